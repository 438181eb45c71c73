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
    can_write: bool

    def send(self, data: bytes) -> None:
        """Queue `data` for the client; never blocks the room."""

    def disconnect(self, code: int, reason: str) -> None:
        """Close the client's connection (it may reconnect)."""


class OutboxPeer:
    """A peer whose frames go through its own outbox, drained by one task per connection.

    A room hands the same bytes object to every peer; a slow client only grows its own outbox,
    and past `max_backlog` frames it is disconnected instead of slowing the room down.
    """

    def __init__(
        self,
        user_id: str,
        can_write: bool,
        transmit: Callable[[bytes], Awaitable[None]],
        disconnect: Callable[[int, str], None],
        max_backlog: int = 10_000,
    ) -> None:
        self.user_id = user_id
        self.can_write = can_write
        self._transmit = transmit
        self._disconnect = disconnect
        self._max_backlog = max_backlog
        self._outbox: deque[bytes] = deque()
        self._ready = asyncio.Event()
        self._closed = False
        self.disconnected = False
        self.sent = 0

    def send(self, data: bytes) -> None:
        if self._closed:
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
                try:
                    await self._transmit(data)
                except Exception as exc:  # noqa: BLE001 - any send failure means the peer is gone
                    log.debug("send failed, peer gone: %s", exc)
                    self._closed = True
                    return
                self.sent += 1
