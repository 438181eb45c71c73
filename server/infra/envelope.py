"""Envelope encryption of stored objects: AES-256-GCM per chunk under a per-object data key, the data key
wrapped (AES-256-GCM too) by a key-encryption key. Only `cryptography`'s primitives; nothing hand-made.

An object of `size` bytes in chunks of `chunk_size` is `count(size, chunk_size)` sealed chunks, each
`nonce (12) | ciphertext | tag (16)`, one after the other: chunk `i` starts at `i * (chunk_size + OVERHEAD)`.
An empty object is one empty chunk, so that even it proves it is complete. Each chunk's associated data
binds the object's id, the chunk's index and whether it is the last: a chunk moved to another place, another
object, or a file cut after any chunk fails to open.
"""

from __future__ import annotations

import hashlib
import os
import struct
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES: Final = 32
NONCE_BYTES: Final = 12
TAG_BYTES: Final = 16
OVERHEAD: Final = NONCE_BYTES + TAG_BYTES
DEFAULT_CHUNK_SIZE: Final = 1024 * 1024
# The version byte in front of a wrapped key (a different wrapping would get another).
_WRAP_V1: Final = b"\x01"
_CHUNK_CONTEXT: Final = b"warroom/material-chunk/v1\x00"
_WRAP_CONTEXT: Final = b"warroom/data-key/v1\x00"
_FINGERPRINT_CONTEXT: Final = b"warroom/kek-fingerprint/v1\x00"


class TamperedError(Exception):
    """A chunk or a wrapped key does not open: changed, moved, cut short, or sealed under another key."""


def new_data_key() -> bytes:
    """A fresh random 256-bit key."""
    return AESGCM.generate_key(bit_length=256)


def fingerprint(kek: bytes) -> str:
    """A key-encryption key's public name: 32 hex digits of a SHA-256 over the key (it reveals nothing)."""
    return hashlib.sha256(_FINGERPRINT_CONTEXT + kek).hexdigest()[:32]


def chunk_count(size: int, chunk_size: int) -> int:
    """How many chunks an object of `size` bytes is sealed into (at least one)."""
    return max(1, -(-size // chunk_size))


def sealed_offset(index: int, chunk_size: int) -> int:
    """Where sealed chunk `index` starts in the stored object."""
    return index * (chunk_size + OVERHEAD)


def sealed_size(size: int, chunk_size: int) -> int:
    """The stored object's length for `size` bytes of plaintext."""
    return size + chunk_count(size, chunk_size) * OVERHEAD


def _chunk_aad(object_id: str, index: int, last: bool) -> bytes:
    return _CHUNK_CONTEXT + object_id.encode() + b"\x00" + struct.pack(">Q?", index, last)


class ChunkCipher:
    """Seals and opens the chunks of one object under its data key."""

    def __init__(self, data_key: bytes, object_id: str) -> None:
        if len(data_key) != KEY_BYTES:
            raise ValueError("a data key is 32 bytes")
        self._aead = AESGCM(data_key)
        self._object_id = object_id

    def seal(self, index: int, plaintext: bytes | bytearray | memoryview, *, last: bool) -> bytes:
        """`nonce | ciphertext | tag` of chunk `index`."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, bytes(plaintext), _chunk_aad(self._object_id, index, last))

    def open(self, index: int, sealed: bytes, *, last: bool) -> bytes:
        """The plaintext of chunk `index`; TamperedError unless it is exactly what was sealed there."""
        if len(sealed) < OVERHEAD:
            raise TamperedError(f"chunk {index} of {self._object_id} is cut short")
        try:
            return self._aead.decrypt(
                sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _chunk_aad(self._object_id, index, last)
            )
        except InvalidTag:
            raise TamperedError(f"chunk {index} of {self._object_id} does not authenticate") from None

    def seal_extra(self, label: str, plaintext: bytes) -> bytes:
        """Seal a small companion value of the object (a transcript, say) under its key and a label."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, self._extra_aad(label))

    def open_extra(self, label: str, sealed: bytes) -> bytes:
        """Open what `seal_extra(label, …)` sealed for this object."""
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], self._extra_aad(label))
        except InvalidTag:
            raise TamperedError(f"the {label} of {self._object_id} does not authenticate") from None

    def _extra_aad(self, label: str) -> bytes:
        return _CHUNK_CONTEXT + self._object_id.encode() + b"\x00extra\x00" + label.encode()


def wrap(kek: bytes, data_key: bytes, object_id: str) -> bytes:
    """The data key sealed under the key-encryption key, bound to the object it belongs to."""
    nonce = os.urandom(NONCE_BYTES)
    return _WRAP_V1 + nonce + AESGCM(kek).encrypt(nonce, data_key, _WRAP_CONTEXT + object_id.encode())


def unwrap(kek: bytes, wrapped: bytes, object_id: str) -> bytes:
    """The data key of `object_id`; TamperedError when `wrapped` is not its key under `kek`."""
    if wrapped[:1] != _WRAP_V1:
        raise TamperedError(f"the wrapped key of {object_id} has an unknown format")
    body = wrapped[1:]
    try:
        return AESGCM(kek).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], _WRAP_CONTEXT + object_id.encode())
    except InvalidTag:
        raise TamperedError(f"the wrapped key of {object_id} does not open under its key") from None
