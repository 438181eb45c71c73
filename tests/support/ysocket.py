"""A y-websocket client written against the wire protocol, holding a pycrdt Doc.

Tests use it where they need to see or send exact frames (auth close codes, malformed input);
the npm clients (`tests/js`, `yjs_node.py`) and pycrdt's own provider (`yjs_pycrdt.py`) cover interoperability.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import websockets
from pycrdt import Doc, TransactionEvent, XmlElement, XmlFragment, XmlText
from websockets.asyncio.client import ClientConnection

from server.domain.documents.text import plain_text
from server.sync import protocol
from server.sync.protocol import SyncKind

if TYPE_CHECKING:
    from tests.support.live import Live


class YSocket:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.doc: Doc[Any] = Doc()
        self.synced = asyncio.Event()
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self.close_reason = ""
        self.frames: list[protocol.Message] = []
        self.awareness: list[bytes] = []
        self._applying = False
        self._subscription = self.doc.observe(self._local_change)
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, url: str, *, handshake: bool = True) -> YSocket:
        client = cls(await websockets.connect(url, max_size=None, compression=None))
        if handshake:
            await client.ws.send(protocol.encode_sync(SyncKind.STEP1, client.doc.get_state()))
        return client

    def _local_change(self, event: TransactionEvent) -> None:
        if not self._applying:
            frame = protocol.encode_sync(SyncKind.UPDATE, event.update)
            asyncio.get_running_loop().create_task(self._send_quietly(frame))

    async def _send_quietly(self, frame: bytes) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            await self.ws.send(frame)

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                assert isinstance(frame, bytes), "the server sent a text frame"
                message = protocol.decode(frame)
                self.frames.append(message)
                if isinstance(message, protocol.Sync):
                    if message.kind is SyncKind.STEP1:
                        await self.ws.send(
                            protocol.encode_sync(SyncKind.STEP2, self.doc.get_update(message.payload))
                        )
                    else:
                        self._applying = True
                        try:
                            self.doc.apply_update(message.payload)
                        finally:
                            self._applying = False
                        if message.kind is SyncKind.STEP2:
                            self.synced.set()
                elif isinstance(message, protocol.Awareness):
                    self.awareness.append(message.payload)
        except websockets.ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code
            self.close_reason = self.ws.close_reason or ""
            self.closed.set()

    @property
    def body(self) -> XmlFragment:
        fragment: XmlFragment = self.doc.get("body", type=XmlFragment)
        return fragment

    @property
    def text(self) -> str:
        return plain_text(self.doc)

    def add_paragraph(self, text: str) -> None:
        with self.doc.transaction():
            paragraph = XmlElement("paragraph")
            self.body.children.append(paragraph)
            paragraph.children.append(XmlText(text))

    async def send_raw(self, data: bytes | str) -> None:
        await self.ws.send(data)

    def send_together(self, *messages: bytes) -> None:
        """Send binary messages in one write to the socket, so that the server reads them at once."""
        for message in messages:
            self.ws.protocol.send_binary(message)
        self.ws.transport.write(b"".join(self.ws.protocol.data_to_send()))

    async def wait_text(self, needle: str, timeout: float = 5.0) -> str:
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not in {self.text!r} after {timeout}s")
            await asyncio.sleep(0.02)
        return self.text

    def awareness_of(self, client_id: int) -> list[protocol.AwarenessEntry]:
        """Every awareness entry of `client_id` this client was sent, in order."""
        return [
            entry
            for payload in self.awareness
            for entry in protocol.decode_awareness(payload)
            if entry.client_id == client_id
        ]

    async def wait_closed(self, timeout: float = 5.0) -> int | None:
        await asyncio.wait_for(self.closed.wait(), timeout)
        return self.close_code

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


async def synced(live: Live, case_id: str, *tokens: str) -> list[YSocket]:
    """One protocol-level client per token in the case's room (each with a ticket of its own), each
    through its first sync."""
    clients = [await YSocket.connect(await live.sync_url(case_id, token)) for token in tokens]
    await asyncio.gather(*(client.synced.wait() for client in clients))
    return clients


async def until(condition: Callable[[], bool], timeout: float = 5) -> None:
    """Wait until `condition()` holds (polled every 20 ms); TimeoutError after `timeout` seconds."""

    async def poll() -> None:
        while not condition():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout)
