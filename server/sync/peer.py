"""A connected client as a room sees it: who it is, and a non-blocking way to send it bytes."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

log = logging.getLogger("warroom.sync.peer")

CLOSE_TOO_SLOW = 1013


class Peer(Protocol):
    user_id: str
    user_name: str
    """The signed-in person's name: the name others see in their presence."""
    can_write: bool

    def send(self, data: bytes) -> None:
        """Queue `data` for the client; never blocks the room."""

    def disconnect(self, code: int, reason: str) -> None:
        """Close the client's connection (it may reconnect)."""


class OutboxPeer:
    """A peer whose frames go straight to its socket, or through an outbox when they cannot.

    A room hands the same bytes object to every peer. With `write_now` (the transport's direct
    writer, `server.sync.websocket`), each frame is written at once; the transport holds what the
    socket cannot take yet. A client that leaves more than `max_buffered` bytes unread when the next
    frame comes (or twice the largest frame it was sent, if that is more: a large document's first
    sync must get through) is disconnected (1013) instead of growing the server's memory.

    Without `write_now` (another ASGI server), or when it declines (-1: the socket is closing),
    frames queue in the outbox, drained through ASGI `send` by one task per connection; past
    `max_backlog` queued frames the client is disconnected likewise.
    """

    def __init__(
        self,
        user_id: str,
        can_write: bool,
        transmit: Callable[[bytes], Awaitable[None]],
        disconnect: Callable[[int, str], None],
        *,
        write_now: Callable[[bytes], int] | None = None,
        max_buffered: int = 16 * 1024 * 1024,
        max_backlog: int = 10_000,
        user_name: str = "",
    ) -> None:
        self.user_id = user_id
        self.user_name = user_name
        self.can_write = can_write
        self._transmit = transmit
        self._disconnect = disconnect
        self._write_now = write_now
        self._max_buffered = max_buffered
        self._largest = 0
        self._max_backlog = max_backlog
        self._in_flight = False
        self._outbox: deque[bytes] = deque()
        self._ready = asyncio.Event()
        self._closed = False
        self.disconnected = False
        self.sent = 0

    def send(self, data: bytes) -> None:
        if self._closed:
            return
        if self._write_now is not None and not self._outbox and not self._in_flight:
            buffered = self._write_now(data)
            if buffered >= 0:
                self.sent += 1
                size = len(data)
                if size > self._largest:
                    self._largest = size
                if buffered - size > self._max_buffered and buffered - size > 2 * self._largest:
                    self.disconnect(CLOSE_TOO_SLOW, "client too slow to receive updates")
                return
        self._outbox.append(data)
        if len(self._outbox) > self._max_backlog:
            self.disconnect(CLOSE_TOO_SLOW, "client too slow to receive updates")
            return
        self._ready.set()

    def disconnect(self, code: int, reason: str) -> None:
        if not self.disconnected:
            self._closed = True
            self.disconnected = True
            self._outbox.clear()
            self._disconnect(code, reason)

    def close(self) -> None:
        self._closed = True
        self._ready.set()

    async def pump(self) -> None:
        """Send queued frames until the peer is closed or the socket fails."""
        while not self._closed:
            await self._ready.wait()
            self._ready.clear()
            while self._outbox and not self._closed:
                data = self._outbox.popleft()
                self._in_flight = True  # until it is written, later frames must queue behind it
                try:
                    await self._transmit(data)
                except Exception as exc:  # noqa: BLE001 - any send failure means the peer is gone
                    log.debug("send failed, peer gone: %s", exc)
                    self._closed = True
                    return
                finally:
                    self._in_flight = False
                self.sent += 1
