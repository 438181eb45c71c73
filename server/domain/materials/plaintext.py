"""A read-only, seekable file over a material's plaintext, opening sealed chunks as reads reach them.

It is synchronous on purpose: text extraction (pypdf, python-docx, tinytag) wants an ordinary binary file
and runs in a thread. One opened chunk is kept, so sequential reads open each chunk once.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

from server.infra import envelope
from server.infra.envelope import ChunkCipher
from server.infra.object_store import ObjectStore


class PlaintextFile(io.RawIOBase):
    """`read`, `readinto`, `seek` and `tell` over the plaintext of one sealed object."""

    def __init__(self, store: ObjectStore, key: str, cipher: ChunkCipher, size: int, chunk_size: int) -> None:
        super().__init__()
        self._store = store
        self._key = key
        self._cipher = cipher
        self._size = size
        self._chunk_size = chunk_size
        self._last = envelope.chunk_count(size, chunk_size) - 1
        self._position = 0
        self._loaded_index = -1
        self._loaded = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = self._size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if position < 0:
            raise ValueError("negative seek position")
        self._position = position
        return position

    def _chunk(self, index: int) -> bytes:
        if index != self._loaded_index:
            sealed = self._store.read_sync(
                self._key,
                envelope.sealed_offset(index, self._chunk_size),
                self._chunk_size + envelope.OVERHEAD,
            )
            self._loaded = self._cipher.open(index, sealed, last=index == self._last)
            self._loaded_index = index
        return self._loaded

    def readinto(self, buffer: WriteableBuffer) -> int:
        """Fill `buffer` from the current position (short only at the end of the file)."""
        target = memoryview(buffer).cast("B")
        written = 0
        while written < len(target) and self._position < self._size:
            index, offset = divmod(self._position, self._chunk_size)
            chunk = self._chunk(index)
            piece = chunk[offset : offset + len(target) - written]
            if not piece:
                raise envelope.TamperedError(f"chunk {index} of {self._key} is shorter than its material")
            target[written : written + len(piece)] = piece
            written += len(piece)
            self._position += len(piece)
        return written
