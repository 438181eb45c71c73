"""The rooms of this process: opened once per case, closed some seconds after the last peer."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from pycrdt import Doc

from server.domain.documents import store as documents
from server.infra.db import Database
from server.infra.locks import NamedLocks
from server.models.base import utcnow
from server.sync.fanout import KIND_ACCESS, KIND_UPDATE, Fanout
from server.sync.peer import Peer
from server.sync.room import ActivityListener, Room
from server.sync.writer import UpdateWriter

log = logging.getLogger("warroom.sync.rooms")

# How many documents of cases not open on this server `read_doc` keeps.
_STORED_DOCS = 64

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
        self._locks = NamedLocks(db)
        # Documents of cases not open here, as last read: (log position, doc), least recent first.
        self._stored: OrderedDict[str, tuple[int, Doc[Any]]] = OrderedDict()
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
        log.debug("room opened", extra={"case_id": case_id})
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
        log.debug("room closed", extra={"case_id": room.case_id})

    def _activity(self, case_id: str, author_id: str | None) -> None:
        room = self._rooms.get(case_id)
        since = room.updates_stored - self._compacted_at.get(case_id, 0) if room is not None else 0
        if room is not None and since >= self._compact_every:
            self._compacted_at[case_id] = room.updates_stored
            self._request_compaction(case_id)
        for listener in self.activity_listeners:
            listener(case_id, author_id)

    async def settle(self, case_id: str) -> None:
        """Return once every change this server applied to the case's live document is stored."""
        room = self._rooms.get(case_id)
        if room is not None:
            await room.wait_durable()

    def live_state(self, case_id: str) -> bytes | None:
        """The encoded state of the case's open document on this server; None when it is not open here."""
        room = self._rooms.get(case_id)
        return room.doc.get_update() if room is not None else None

    def exclusive(self, case_id: str) -> AbstractAsyncContextManager[None]:
        """Hold off other server-made changes to the case (e.g. two restores), on every server."""
        return self._locks.hold(f"case-change:{case_id}")

    async def apply_update(self, case_id: str, update: bytes, author_id: str | None) -> None:
        """Apply a change the server made on `author_id`'s behalf (e.g. a restore), on every server.

        Open here: it goes through the room like a peer's update (stored, broadcast, published).
        Not open here: it is stored, then published for the servers that hold the case open.
        Returns once the change is stored. Until the first await, nothing else can change the
        live document, so a caller may compute `update` from `live_state` just before.
        """
        room = self._rooms.get(case_id)
        if room is not None:
            room.apply_server_update(update, author_id)
            await room.wait_durable()
            return
        async with self._db.transaction() as session:
            await documents.append(session, [documents.NewUpdate(case_id, author_id, update, utcnow())])
        self._fanout.publish(case_id, KIND_UPDATE, update)
        # A room opening here meanwhile may have read the log before this commit; hand it the
        # update (applying what a document already holds changes nothing).
        opening = self._opening.get(case_id)
        if opening is not None:
            await asyncio.gather(asyncio.shield(opening), return_exceptions=True)
        room = self._rooms.get(case_id)
        if room is not None:
            room.apply_remote(KIND_UPDATE, update)
        for listener in self.activity_listeners:
            listener(case_id, author_id)

    def set_access(self, case_id: str, user_id: str, can_write: bool) -> None:
        """Apply a member's new write permission to their open connections here and on other servers."""
        room = self._rooms.get(case_id)
        if room is not None:
            room.set_access(user_id, can_write)
        self._fanout.publish(case_id, KIND_ACCESS, (b"1" if can_write else b"0") + user_id.encode())

    async def read_doc(self, case_id: str) -> Doc[Any]:
        """The case's document as stored, to read (never to change): the live room's once durable, or
        the one last loaded from the database while the case's log has not grown since."""
        return (await self.read_doc_version(case_id))[0]

    async def read_doc_version(self, case_id: str) -> tuple[Doc[Any], int]:
        """`read_doc`, and a number that changes whenever that same Doc object changes (a live room's
        doc changes in place; one loaded from the database never changes, its number is -1)."""
        room = self._rooms.get(case_id)
        if room is not None:
            await room.wait_durable()
            return room.doc, room.version
        return await self._stored_doc(case_id), -1

    async def _stored_doc(self, case_id: str) -> Doc[Any]:
        async with self._db.reads() as session:
            # Counting the log is a short index scan; loading it means every row and a Yjs replay.
            position = await documents.log_position(session, case_id)
            cached = self._stored.get(case_id)
            if cached is not None and cached[0] == position:
                self._stored.move_to_end(case_id)
                return cached[1]
            doc = await documents.load_doc(session, case_id)
        # The log only grows, so equal positions mean equal documents; a doc loaded a moment after
        # the count may hold more, which only costs one more load later.
        self._stored[case_id] = (position, doc)
        while len(self._stored) > _STORED_DOCS:
            self._stored.popitem(last=False)
        return doc

    async def close_all(self) -> None:
        """Close every room at shutdown, after their updates are stored."""
        for timer in self._idle_timers.values():
            timer.cancel()
        self._idle_timers.clear()
        for room in list(self._rooms.values()):
            await self._close(room)
