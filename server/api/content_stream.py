"""Sending a file's bytes over HTTP: one byte range (RFC 9110 §14), an attachment's filename (RFC 6266 and
RFC 5987, so Chinese names survive), and a streamed body that can stop between chunks and always reports
how much it sent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import unicodedata
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from starlette.types import Message, Receive, Scope, Send

log = logging.getLogger("warroom.content")


@dataclass(frozen=True)
class ByteRange:
    """Bytes `[start, end)` of a file of `size` bytes."""

    start: int
    end: int
    size: int

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end - 1}/{self.size}"

    def __str__(self) -> str:
        return f"bytes={self.start}-{self.end - 1}"


class Unsatisfiable(Exception):
    """A Range no byte of the file satisfies (answered 416), or more than one range (not served)."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one byte range a `Range` header asks for; None when there is none, or when it is malformed or
    in another unit (RFC 9110 says to ignore it then, and send the whole file)."""
    if header is None:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or not spec.strip():
        return None
    if "," in spec:
        raise Unsatisfiable("Ask for one byte range at a time; several ranges in one request are not served.")
    first, dash, last = (part.strip() for part in spec.strip().partition("-"))
    if not dash or (first and not first.isdigit()) or (last and not last.isdigit()) or not (first or last):
        return None
    if not first:  # the last `last` bytes
        count = int(last)
        if count == 0 or size == 0:
            raise Unsatisfiable(f"The file has {size} bytes; no suffix of {count} bytes can be sent.")
        return ByteRange(max(size - count, 0), size, size)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable(f"The file has {size} bytes; the range starts at byte {start}.")
    stop = int(last) + 1 if last else size
    return ByteRange(start, min(stop, size), size)


# Characters a quoted filename must not carry (quotes, backslashes and controls could end or bend the header).
_UNSAFE: Final = frozenset('"\\')


def attachment(filename: str) -> str:
    """A `Content-Disposition: attachment` value: an ASCII fallback name, and the real name in UTF-8."""
    cleaned = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C").strip() or "download"
    fallback = "".join(
        ch if ch.isascii() and ch not in _UNSAFE and ch.isprintable() else "_" for ch in cleaned
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(cleaned, safe='')}"


@dataclass
class Outcome:
    """How a stream ended: the bytes handed to the connection, and why it stopped early (None: it did not)."""

    sent: int = 0
    stopped: str | None = None

    @property
    def complete(self) -> bool:
        return self.stopped is None


class StreamedBody:
    """An ASGI response that sends `chunks` and, between them, asks `go_on` (at most every `check_every`
    seconds) whether it may continue; it stops when the client goes away, when `go_on` says no, or when the
    source fails. `finished` is called with the outcome in every case (shielded from cancellation).

    A stream stopped early ends without its final message, so the client sees a body shorter than its
    Content-Length and knows it is incomplete.
    """

    def __init__(
        self,
        status: int,
        headers: dict[str, str],
        chunks: AsyncIterator[bytes],
        *,
        go_on: Callable[[], Awaitable[str | None]],
        finished: Callable[[Outcome], Awaitable[None]],
        check_every: float = 1.0,
    ) -> None:
        self.status = status
        self.headers = [(name.lower().encode(), value.encode("latin-1")) for name, value in headers.items()]
        self.chunks = chunks
        self.go_on = go_on
        self.finished = finished
        self.check_every = check_every

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        outcome = Outcome()
        gone = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.create_task(watch())
        try:
            await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
            await self._send_body(send, outcome, gone)
        except OSError:
            outcome.stopped = "client"
        except Exception:
            # the source failed (a chunk that does not authenticate, the store gone): stop, and say so
            log.exception("a streamed body stopped: its source failed")
            outcome.stopped = "error"
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            await asyncio.shield(self.finished(outcome))

    async def _send_body(self, send: Send, outcome: Outcome, gone: asyncio.Event) -> None:
        checked = time.monotonic()
        try:
            async for chunk in self.chunks:
                if gone.is_set():
                    outcome.stopped = "client"
                    return
                if time.monotonic() - checked >= self.check_every:
                    checked = time.monotonic()
                    if (reason := await self.go_on()) is not None:
                        outcome.stopped = reason
                        return
                message: Message = {"type": "http.response.body", "body": chunk, "more_body": True}
                await send(message)
                outcome.sent += len(chunk)
        finally:
            close = getattr(self.chunks, "aclose", None)
            if close is not None:
                await close()
        await send({"type": "http.response.body", "body": b"", "more_body": False})
