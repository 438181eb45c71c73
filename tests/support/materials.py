"""Uploading materials to a real server: multipart bodies streamed from generators (nothing held whole),
raw-socket uploads that stop half-way, and a look at a server process's memory."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import secrets
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from server.infra.config import Settings
from server.infra.db import Database
from server.models import Material

MIB = 1024 * 1024


@dataclass
class Form:
    """A multipart/form-data body: its Content-Type, exact length, and the pieces to send."""

    content_type: str
    length: int
    pieces: list[bytes | tuple[int, int]]  # bytes, or (size, seed) of generated file content


def generated(size: int, seed: int = 0, block: int = MIB) -> Iterable[bytes]:
    """`size` bytes that look random (not compressible, no repeated marker), made on the fly."""
    counter = 0
    sent = 0
    base = hashlib.sha256(str(seed).encode()).digest()
    while sent < size:
        # one hash expanded per block: fast, and every block differs
        head = hashlib.sha256(base + counter.to_bytes(8, "big")).digest()
        piece = (head * (block // 32 + 1))[: min(block, size - sent)]
        counter += 1
        sent += len(piece)
        yield piece


def form(
    *,
    name: str = "file.txt",
    data: bytes | None = None,
    generated_size: int = 0,
    seed: int = 0,
    note: str | None = None,
    transcript: bytes | None = None,
    extra: dict[str, bytes] | None = None,
    with_file: bool = True,
) -> Form:
    boundary = "----warroom" + secrets.token_hex(12)
    pieces: list[bytes | tuple[int, int]] = []

    def field(field_name: str, value: bytes, filename: str | None = None) -> None:
        disposition = f'form-data; name="{field_name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        if filename is not None:
            head += "Content-Type: application/octet-stream\r\n"
        pieces.append((head + "\r\n").encode())
        pieces.append(value)
        pieces.append(b"\r\n")

    if note is not None:
        field("note", note.encode())
    for key, value in (extra or {}).items():
        field(key, value)
    if not with_file:
        pass
    elif data is not None:
        field("file", data, name)
    else:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        pieces += [head.encode(), (generated_size, seed), b"\r\n"]
    if transcript is not None:
        field("transcript", transcript, "transcript.srt")
    pieces.append(f"--{boundary}--\r\n".encode())
    length = sum(p[0] if isinstance(p, tuple) else len(p) for p in pieces)
    return Form(f"multipart/form-data; boundary={boundary}", length, pieces)


async def stream(body: Form) -> AsyncIterator[bytes]:
    for piece in body.pieces:
        if isinstance(piece, tuple):
            for block in generated(*piece):
                yield block
        else:
            yield piece


async def upload(
    client: httpx.AsyncClient, case_id: str, token: str | None, body: Form, timeout: float = 120
) -> httpx.Response:
    headers = {"content-type": body.content_type, "content-length": str(body.length)}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return await client.post(
        f"/cases/{case_id}/materials", content=stream(body), headers=headers, timeout=timeout
    )


async def raw_request(
    port: int, case_id: str, token: str, body: Form, *, send: int, answer: bool = True, hold: Any = None
) -> bytes:
    """Send the headers and the first `send` bytes of `body`; with `answer`, return what the server answers
    (b"" when it closed without one); before closing, await `hold()` when given."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST /cases/{case_id}/materials HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: {body.content_type}\r\n"
        f"Content-Length: {body.length}\r\n\r\n"
    )
    writer.write(head.encode())
    sent = 0
    try:
        async for piece in stream(body):
            piece = piece[: send - sent]
            writer.write(piece)
            await writer.drain()
            sent += len(piece)
            if sent >= send:
                break
    except ConnectionError:
        pass
    received = await asyncio.wait_for(_response(reader), 30) if answer else b""
    if hold is not None:
        await hold()
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()
    return received


async def _response(reader: asyncio.StreamReader) -> bytes:
    """One HTTP response with its Content-Length body (b"" when the connection closes first)."""
    received = b""
    while b"\r\n\r\n" not in received:
        piece = await reader.read(65536)
        if not piece:
            return received
        received += piece
    head, _, body = received.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        piece = await reader.read(65536)
        if not piece:
            break
        body += piece
    return head + b"\r\n\r\n" + body


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def containing(paths: Iterable[Path], needle: bytes) -> list[Path]:
    """The files whose bytes contain `needle`."""
    return [path for path in paths if needle in path.read_bytes()]


def sqlite_files(database_url: str) -> list[Path]:
    """The SQLite database file with its WAL and shared-memory files."""
    path = Path(database_url.split("///", 1)[1])
    return [candidate for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if candidate.exists()]


def material_objects(workdir: Path) -> list[Path]:
    """The objects (and partial objects) of the directory store under a server's data directory."""
    root = workdir / "materials"
    return files_under(root) if root.exists() else []


async def material(db: Database, material_id: str) -> Material:
    async with db.sessions() as session:
        found = await session.get(Material, material_id)
    assert found is not None
    return found


async def material_count(db: Database) -> int:
    from sqlalchemy import func, select

    async with db.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(Material))).scalar_one())


def vault_settings(workdir: Path, **env: str) -> Settings:
    """The settings a server started on `workdir` reads its vault by."""
    return Settings.from_env({"WARROOM_DATA_DIR": str(workdir), **env})


async def eventually(check: Any, timeout: float = 20.0) -> Any:
    """Poll `check()` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.1)


class Memory:
    """A process's resident memory from /proc: the current size and the peak since `reset`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def _status(self, field: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise KeyError(field)

    @property
    def rss(self) -> int:
        return self._status("VmRSS")

    @property
    def peak(self) -> int:
        return self._status("VmHWM")

    def reset_peak(self) -> bool:
        """Set the peak to the current size (Linux's clear_refs "5"); False where that is not allowed."""
        try:
            Path(f"/proc/{self.pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_generated(size: int, seed: int = 0) -> str:
    digest = hashlib.sha256()
    for block in generated(size, seed):
        digest.update(block)
    return digest.hexdigest()
