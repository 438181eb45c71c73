"""Real sync rooms in the test's process (writer, local fan-out), and a peer that records its frames."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pycrdt import Doc

from server.infra.db import Database
from server.infra.pubsub import LocalPubSub
from server.sync import protocol
from server.sync.committers import create_committer
from server.sync.fanout import Fanout
from server.sync.rooms import Rooms
from server.sync.writer import UpdateWriter


class RecordingPeer:
    """A connected client as a room sees it; keeps a Doc fed by every update frame it is sent."""

    def __init__(self, user_id: str, can_write: bool = True, user_name: str = "") -> None:
        self.user_id = user_id
        self.user_name = user_name or user_id
        self.can_write = can_write
        self.frames: list[bytes] = []
        self.doc: Doc[Any] = Doc()
        self.closed: tuple[int, str] | None = None

    def send(self, data: bytes) -> None:
        self.frames.append(data)
        message = protocol.decode(data)
        if isinstance(message, protocol.Sync) and message.kind is not protocol.SyncKind.STEP1:
            self.doc.apply_update(message.payload)

    def disconnect(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


@asynccontextmanager
async def running_rooms(db: Database, compact_every: int = 500) -> AsyncIterator[Rooms]:
    writer = UpdateWriter(create_committer(db, "NORMAL"))
    writer.start()
    rooms = Rooms(
        db, writer, Fanout(LocalPubSub()), idle_seconds=0.05, compact_every=compact_every,
        request_compaction=lambda _case_id: None,
    )  # fmt: skip
    try:
        yield rooms
    finally:
        await rooms.close_all()
        await writer.stop()
