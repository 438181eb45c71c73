"""Where sealed objects (ciphertext only) are kept: a directory by default, or an S3-compatible store.

`WARROOM_MATERIALS_URL` picks: empty for `<WARROOM_DATA_DIR>/materials`, `file:///path` for another
directory, `s3://bucket/prefix` for an S3-compatible store (server/infra/s3_store.py). An object is written
once, through a writer that either completes (the whole object appears under its key) or aborts (nothing
is left); it is read by byte ranges.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Final, Protocol
from urllib.parse import urlsplit

from server.infra.config import ConfigError, Settings

URL_VARIABLE: Final = "WARROOM_MATERIALS_URL"
_PART: Final = ".part"
_KEY: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")


class ObjectWriter(Protocol):
    """One object being written; `complete` or `abort` ends it."""

    async def write(self, data: bytes) -> None: ...

    async def complete(self) -> None: ...

    async def abort(self) -> None: ...


@dataclass(frozen=True)
class StoredObject:
    key: str
    modified: datetime


class ObjectStore(Protocol):
    """Sealed objects by key."""

    @property
    def description(self) -> str: ...

    def writer(self, key: str) -> ObjectWriter: ...

    def read_sync(self, key: str, start: int, length: int) -> bytes:
        """`length` bytes from `start` (fewer only at the end of the object); for threads."""
        ...

    async def read(self, key: str, start: int, length: int) -> bytes: ...

    async def delete(self, key: str) -> None: ...

    async def objects_before(self, moment: datetime) -> list[StoredObject]:
        """Complete objects last written before `moment` (what a sweep checks against the rows)."""
        ...

    async def discard_incomplete(self, moment: datetime) -> int:
        """Remove unfinished writes with nothing written since `moment` (a crashed process's); how many."""
        ...

    async def close(self) -> None: ...


def check_key(key: str) -> str:
    """`key` when it is a plain relative name (no `..`, no leading slash)."""
    if not _KEY.match(key) or key.endswith(_PART):
        raise ValueError(f"not an object key: {key!r}")
    return key


class _FileWriter:
    def __init__(self, final: Path) -> None:
        self._final = final
        self._partial = final.with_name(final.name + _PART)
        self._handle: BinaryIO | None = None

    def _open(self) -> BinaryIO:
        if self._handle is None:
            self._final.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self._partial.open("xb")
        return self._handle

    async def write(self, data: bytes) -> None:
        await asyncio.to_thread(lambda: self._open().write(data))

    def _complete(self) -> None:
        handle = self._open()
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        os.replace(self._partial, self._final)

    async def complete(self) -> None:
        await asyncio.to_thread(self._complete)

    def _abort(self) -> None:
        if self._handle is not None:
            self._handle.close()
        self._partial.unlink(missing_ok=True)

    async def abort(self) -> None:
        await asyncio.to_thread(self._abort)


class DirectoryStore:
    """Objects as files under `root` (written as `<key>.part`, renamed when complete)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def description(self) -> str:
        return f"directory {self.root}"

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def writer(self, key: str) -> ObjectWriter:
        return _FileWriter(self._path(key))

    def read_sync(self, key: str, start: int, length: int) -> bytes:
        with self._path(key).open("rb") as handle:
            handle.seek(start)
            return handle.read(length)

    async def read(self, key: str, start: int, length: int) -> bytes:
        return await asyncio.to_thread(self.read_sync, key, start, length)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    def _files(self) -> Iterator[tuple[Path, datetime]]:
        if not self.root.is_dir():
            return
        for directory, _dirs, files in os.walk(self.root):
            for name in files:
                path = Path(directory) / name
                with contextlib.suppress(FileNotFoundError):
                    yield path, datetime.fromtimestamp(path.stat().st_mtime, UTC)

    async def objects_before(self, moment: datetime) -> list[StoredObject]:
        def scan() -> list[StoredObject]:
            return [
                StoredObject(path.relative_to(self.root).as_posix(), modified)
                for path, modified in self._files()
                if modified < moment and not path.name.endswith(_PART)
            ]

        return await asyncio.to_thread(scan)

    async def discard_incomplete(self, moment: datetime) -> int:
        def discard() -> int:
            stale = [p for p, modified in self._files() if modified < moment and p.name.endswith(_PART)]
            for path in stale:
                path.unlink(missing_ok=True)
            return len(stale)

        return await asyncio.to_thread(discard)

    async def close(self) -> None:
        return None


def store_from_settings(settings: Settings) -> ObjectStore:
    """The store `WARROOM_MATERIALS_URL` names (a directory under the data directory by default)."""
    url = (settings.extra.get(URL_VARIABLE) or "").strip()
    if not url:
        return DirectoryStore(settings.data_dir / "materials")
    parts = urlsplit(url)
    if parts.scheme == "file":
        if not parts.path:
            raise ConfigError(f"{URL_VARIABLE}=file:///path needs a path")
        return DirectoryStore(Path(parts.path))
    if parts.scheme == "s3":
        from server.infra.s3_store import S3Store

        return S3Store.from_settings(settings, bucket=parts.netloc, prefix=parts.path.strip("/"))
    raise ConfigError(f"{URL_VARIABLE} must be empty, file:///path or s3://bucket/prefix, got {url!r}")
