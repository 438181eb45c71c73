"""The rooms of this process: opened once per case, closed some seconds after the last peer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from pycrdt import Doc

from server.db import Database
from server.domain import documents
from server.sync.fanout import KIND_ACCESS, Fanout
from server.sync.peer import Peer
from server.sync.room import ActivityListener, Room
from server.sync.writer import UpdateWriter

log = logging.getLogger("warroom.sync.rooms")

# Asked to merge a case's log into its checkpoint (runs as a background job).
CompactRequest = Callable[[str], None]


class Rooms:
    """Opens each case's room exactly once, even when many peers arrive at the same instant."""

    def __init__(
        self,
        db: Database,
        writer: UpdateWriter,
        fanout: Fanout,
        *,
        idle_seconds: float,
        compact_every: int,
        request_compaction: CompactRequest,
    ) -> None:
        self._db = db
        self._writer = writer
        self._fanout = fanout
        self._idle_seconds = idle_seconds
        self._compact_every = compact_every
        self._request_compaction = request_compaction
        self._rooms: dict[str, Room] = {}
        self._opening: dict[str, asyncio.Task[Room]] = {}
        self._closing: dict[str, asyncio.Task[None]] = {}
        self._idle_timers: dict[str, asyncio.TimerHandle] = {}
        self._compacted_at: dict[str, int] = {}
        self.activity_listeners: list[ActivityListener] = []

    def __len__(self) -> int:
        return len(self._rooms)

    def live(self, case_id: str) -> Room | None:
        """The open room of a case on this process, if any."""
        return self._rooms.get(case_id)

    async def acquire(self, case_id: str, peer: Peer) -> Room:
        """The case's room with `peer` joined; opens (loads) the room if needed."""
        closing = self._closing.get(case_id)
        if closing is not None:
            await asyncio.shield(closing)
        room = self._rooms.get(case_id)
        if room is None:
            opening = self._opening.get(case_id)
            if opening is None:
                opening = asyncio.create_task(self._open(case_id), name=f"open-room-{case_id}")
                self._opening[case_id] = opening
                opening.add_done_callback(lambda _t: self._opening.pop(case_id, None))
            room = await asyncio.shield(opening)
        timer = self._idle_timers.pop(case_id, None)
        if timer is not None:
            timer.cancel()
        room.join(peer)
        return room

    async def _open(self, case_id: str) -> Room:
        room = Room(case_id, self._writer, self._fanout, on_activity=self._activity)
        # Subscribe before loading: an update published in between arrives twice, which is harmless,
        # instead of not at all.
        await self._fanout.subscribe(case_id, room.apply_remote)
        try:
            async with self._db.sessions() as session:
                room.load(await documents.load_updates(session, case_id))
        except BaseException:
            await self._fanout.unsubscribe(case_id)
            raise
        self._rooms[case_id] = room
        self._compacted_at[case_id] = 0
        # Armed now and disarmed by the joining peer, so a room whose opener went away still closes.
        self._arm_idle_timer(room)
        log.info("room opened", extra={"case_id": case_id})
        return room

    def release(self, room: Room, peer: Peer) -> None:
        """Remove `peer`; the room closes `idle_seconds` after its last peer leaves."""
        room.leave(peer)
        if not room.peers:
            self._arm_idle_timer(room)

    def _arm_idle_timer(self, room: Room) -> None:
        if room.case_id not in self._idle_timers:
            loop = asyncio.get_running_loop()
            self._idle_timers[room.case_id] = loop.call_later(self._idle_seconds, self._close_idle, room)

    def _close_idle(self, room: Room) -> None:
        self._idle_timers.pop(room.case_id, None)
        if room.peers or self._rooms.get(room.case_id) is not room:
            return
        task = asyncio.create_task(self._close(room), name=f"close-room-{room.case_id}")
        self._closing[room.case_id] = task
        task.add_done_callback(lambda _t: self._closing.pop(room.case_id, None))

    async def _close(self, room: Room) -> None:
        await room.wait_durable()
        self._rooms.pop(room.case_id, None)
        await self._fanout.unsubscribe(room.case_id)
        if room.updates_stored:
            self._request_compaction(room.case_id)
        self._compacted_at.pop(room.case_id, None)
        log.info("room closed", extra={"case_id": room.case_id})

    def _activity(self, case_id: str, author_id: str | None) -> None:
        room = self._rooms.get(case_id)
        since = room.updates_stored - self._compacted_at.get(case_id, 0) if room is not None else 0
        if room is not None and since >= self._compact_every:
            self._compacted_at[case_id] = room.updates_stored
            self._request_compaction(case_id)
        for listener in self.activity_listeners:
            listener(case_id, author_id)

    def set_access(self, case_id: str, user_id: str, can_write: bool) -> None:
        """Apply a member's new write permission to their open connections here and on other servers."""
        room = self._rooms.get(case_id)
        if room is not None:
            room.set_access(user_id, can_write)
        self._fanout.publish(case_id, KIND_ACCESS, (b"1" if can_write else b"0") + user_id.encode())

    async def read_doc(self, case_id: str) -> Doc[Any]:
        """The case's document as stored: the live room's (once durable) or loaded from the database."""
        room = self._rooms.get(case_id)
        if room is not None:
            await room.wait_durable()
            return room.doc
        async with self._db.sessions() as session:
            return await documents.load_doc(session, case_id)

    async def close_all(self) -> None:
        """Close every room at shutdown, after their updates are stored."""
        for timer in self._idle_timers.values():
            timer.cancel()
        self._idle_timers.clear()
        for room in list(self._rooms.values()):
            await self._close(room)
