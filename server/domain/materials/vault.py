"""The vault: materials sealed into the object store as they arrive, and opened again by byte range.

Plaintext exists only in this process's memory, one chunk at a time: an upload is hashed and sealed chunk
by chunk on its way to the store, a read fetches and opens only the chunks its range touches.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Final

from server.domain.materials.config import MaterialConfig
from server.domain.materials.plaintext import PlaintextFile
from server.infra import envelope
from server.infra.config import Settings
from server.infra.envelope import ChunkCipher
from server.infra.keyring import Keyring
from server.infra.object_store import ObjectStore, ObjectWriter, store_from_settings
from server.models import Material

TRANSCRIPT: Final = "transcript"
SUMMARY: Final = "summary"
HEAD_BYTES: Final = 64 * 1024


@dataclass(frozen=True)
class Sealed:
    """What a completed upload leaves for its row."""

    size: int
    sha256: str
    chunk_size: int
    wrapped_key: bytes
    kek_id: str


def storage_key(material_id: str) -> str:
    """Where a material's object lives (spread over 256 directories by the id's random tail)."""
    return f"{material_id[-2:]}/{material_id}"


class Upload:
    """One material being sealed into the store; `finish` completes it, `abort` leaves nothing."""

    def __init__(self, vault: Vault, material_id: str, writer: ObjectWriter) -> None:
        self.material_id = material_id
        self.storage_key = storage_key(material_id)
        self._vault = vault
        self._writer = writer
        self._data_key = envelope.new_data_key()
        self._cipher = ChunkCipher(self._data_key, material_id)
        self._chunk_size = vault.chunk_size
        self._buffer = bytearray()
        self._hash = hashlib.sha256()
        self._index = 0
        self.size = 0
        self.head = b""
        """The first bytes (up to HEAD_BYTES), what the content type is sniffed from."""

    async def write(self, data: bytes) -> None:
        """Take the next bytes; every full chunk is sealed and stored (the last waits for `finish`)."""
        if len(self.head) < HEAD_BYTES:
            self.head += data[: HEAD_BYTES - len(self.head)]
        self._buffer += data
        self.size += len(data)
        # Strictly more than a chunk: the chunk that turns out to be the last is sealed as such.
        while len(self._buffer) > self._chunk_size:
            chunk = bytes(self._buffer[: self._chunk_size])
            del self._buffer[: self._chunk_size]
            await self._seal(chunk, last=False)

    async def _seal(self, chunk: bytes, *, last: bool) -> None:
        index = self._index
        self._index += 1

        def seal() -> bytes:
            self._hash.update(chunk)
            return self._cipher.seal(index, chunk, last=last)

        # Hashing and sealing a chunk takes milliseconds: off the event loop.
        await self._writer.write(await asyncio.to_thread(seal))

    def seal_transcript(self, transcript: bytes) -> bytes:
        """A transcript sealed under this material's data key (stored on its row)."""
        return self._cipher.seal_extra(TRANSCRIPT, transcript)

    async def finish(self) -> Sealed:
        """Seal the last chunk, complete the object, and wrap the data key under the current key."""
        chunk = bytes(self._buffer)
        self._buffer = bytearray()
        await self._seal(chunk, last=True)
        # Wrapped at the end, under the key current now: a rotation during a long upload finds this one done.
        # And before the object completes: nothing can then fail between a complete object and its row.
        kek = self._vault.keyring.current()
        wrapped = envelope.wrap(kek.key, self._data_key, self.material_id)
        await self._writer.complete()
        return Sealed(
            size=self.size,
            sha256=self._hash.hexdigest(),
            chunk_size=self._chunk_size,
            wrapped_key=wrapped,
            kek_id=kek.id,
        )

    async def abort(self) -> None:
        """Drop whatever was stored."""
        self._buffer = bytearray()
        await self._writer.abort()


class Vault:
    """Seals materials into `store` under data keys wrapped by `keyring`'s current key, and opens them."""

    def __init__(self, store: ObjectStore, keyring: Keyring, chunk_size: int = envelope.DEFAULT_CHUNK_SIZE):
        self.store = store
        self.keyring = keyring
        self.chunk_size = chunk_size

    @classmethod
    def from_settings(cls, settings: Settings) -> Vault:
        """The store and keys the settings name (creating the embedded default's key on first start)."""
        config = MaterialConfig.from_settings(settings)
        return cls(store_from_settings(settings), Keyring.from_settings(settings), config.chunk_size)

    def upload(self, material_id: str) -> Upload:
        """Begin sealing a new material."""
        return Upload(self, material_id, self.store.writer(storage_key(material_id)))

    def cipher(self, material: Material) -> ChunkCipher:
        """The chunk cipher of a stored material (its data key unwrapped)."""
        kek = self.keyring.key(material.kek_id)
        return ChunkCipher(envelope.unwrap(kek, material.wrapped_key, material.id), material.id)

    async def read(self, material: Material, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """The plaintext bytes `[start, end)` (`end` None: to the end), each chunk authenticated before any
        of it is yielded; TamperedError on a chunk that was changed, moved or cut."""
        end = material.size if end is None else end
        if not 0 <= start <= end <= material.size:
            raise ValueError(f"range {start}-{end} is outside 0-{material.size}")
        if start == end:
            return
        cipher = self.cipher(material)
        size, chunk_size = material.size, material.chunk_size
        last = envelope.chunk_count(size, chunk_size) - 1
        for index in range(start // chunk_size, (end - 1) // chunk_size + 1):
            sealed = await self.store.read(
                material.storage_key,
                envelope.sealed_offset(index, chunk_size),
                chunk_size + envelope.OVERHEAD,
            )
            plain = await asyncio.to_thread(cipher.open, index, sealed, last=index == last)
            offset = index * chunk_size
            if len(plain) != (min(size, offset + chunk_size) - offset):
                raise envelope.TamperedError(f"chunk {index} of {material.id} has the wrong length")
            yield plain[max(start - offset, 0) : min(end - offset, len(plain))]

    def plaintext_opener(self, material: Material) -> Callable[[], PlaintextFile]:
        """A function that opens the material's plaintext as a file (what text extraction is given); the
        data key is unwrapped now, so the function can run in a thread."""
        cipher = self.cipher(material)
        key, size, chunk_size = material.storage_key, material.size, material.chunk_size
        return lambda: PlaintextFile(self.store, key, cipher, size, chunk_size)

    def plaintext(self, material: Material) -> PlaintextFile:
        """A seekable, read-only file over the material's plaintext, for a thread (text extraction)."""
        return PlaintextFile(
            self.store, material.storage_key, self.cipher(material), material.size, material.chunk_size
        )

    def transcript(self, material: Material) -> bytes | None:
        """The transcript uploaded with the material, opened; None when there is none."""
        if material.transcript is None:
            return None
        return self.cipher(material).open_extra(TRANSCRIPT, material.transcript)

    def seal_summary(self, material: Material, text: str) -> bytes:
        """A summary sealed under the material's data key, for its row."""
        return self.cipher(material).seal_extra(SUMMARY, text.encode())

    def summary(self, material: Material) -> str:
        """The material's summary ("" while none is written)."""
        if material.summary_sealed is None:
            return ""
        return self.cipher(material).open_extra(SUMMARY, material.summary_sealed).decode()

    async def delete(self, key: str) -> None:
        """Remove a stored object (nothing when it is gone already)."""
        await self.store.delete(key)

    async def close(self) -> None:
        await self.store.close()
