"""Snapshots on SQLite and PostgreSQL: taking them (named, automatic), reading, diffing, restoring."""

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from pycrdt import Doc, XmlElement, XmlText
from sqlalchemy import func, select

from server.domain.cases import actions as cases
from server.domain.documents import store as documents
from server.domain.documents.text import body, plain_text
from server.domain.documents.text_diff import Op
from server.domain.errors import BadInput, Forbidden, NotFound
from server.domain.snapshots import actions as snapshots
from server.domain.snapshots import diff as snapshot_diff
from server.domain.snapshots import restore as snapshot_restore
from server.domain.snapshots.actions import AutoPolicy, AutoReason
from server.infra.db import Database
from server.models import AuditEvent, CaseRole, DocUpdate, Snapshot, SnapshotKind, User
from server.models.base import utcnow
from server.sync import protocol
from server.sync.room import Room
from server.sync.rooms import Rooms
from tests.support.audit import chain_intact
from tests.support.people import case_with, make_user
from tests.support.rooms import RecordingPeer, running_rooms

POLICY = AutoPolicy(idle_seconds=300, every_updates=4)


class Editor:
    """A client of a live room: edits its own Doc and sends each change as an update frame."""

    def __init__(self, room: Room, user: User) -> None:
        self.room = room
        self.peer = RecordingPeer(user.id)
        self.doc: Doc[Any] = Doc()
        self.doc.apply_update(room.doc.get_update())
        room.join(self.peer)

    def _send(self, before: bytes) -> None:
        update = self.doc.get_update(before)
        self.room.handle(self.peer, protocol.Sync(protocol.SyncKind.UPDATE, update))
        self.doc.apply_update(self.room.doc.get_update())

    def paragraph(self, text: str) -> None:
        before = self.doc.get_state()
        with self.doc.transaction():
            element = body(self.doc).children.append(XmlElement("paragraph"))
            element.children.append(XmlText(text))
        self._send(before)

    def replace(self, index: int, text: str) -> None:
        before = self.doc.get_state()
        with self.doc.transaction():
            block = body(self.doc).children[index]
            assert isinstance(block, XmlElement)
            node = block.children[0]
            assert isinstance(node, XmlText)
            del node[:]
            node.insert(0, text)
        self._send(before)

    def delete_all(self) -> None:
        before = self.doc.get_state()
        del body(self.doc).children[:]
        self._send(before)


async def _open(rooms: Rooms, case_id: str, user: User) -> Editor:
    watcher = RecordingPeer(user.id)
    room = await rooms.acquire(case_id, watcher)
    return Editor(room, user)


async def _named(db: Database, rooms: Rooms, user: User, case_id: str, label: str) -> Snapshot:
    async with db.transaction() as session:
        return await snapshots.create_named(session, rooms, user, case_id, label)


async def _auto(db: Database, case_id: str, reason: AutoReason, **kwargs: Any) -> Snapshot | None:
    async with db.transaction() as session:
        return await snapshots.take_auto(session, case_id, reason=reason, policy=POLICY, **kwargs)


async def test_stored_document_counts_every_update_across_compaction(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    case_id = await case_with(db, owner)
    async with running_rooms(db) as rooms:
        editor = await _open(rooms, case_id, owner)
        for i in range(5):
            editor.paragraph(f"line {i}")
        await rooms.settle(case_id)
    async with db.transaction() as session:
        assert await documents.compact(session, case_id) == 5
    async with running_rooms(db) as rooms:
        editor = await _open(rooms, case_id, owner)
        editor.paragraph("after compaction")
        await rooms.settle(case_id)
    async with db.sessions() as session:
        stored = await snapshots.stored_document(session, case_id)
        newest = await session.scalar(select(func.max(DocUpdate.id)).where(DocUpdate.case_id == case_id))
        expected = await documents.load_doc(session, case_id)
    assert stored.position == 6
    assert stored.last_update_id == newest
    assert stored.last_update_at is not None
    doc: Doc[Any] = Doc()
    doc.apply_update(stored.state)
    assert (
        plain_text(doc)
        == plain_text(expected)
        == "\n".join([*(f"line {i}" for i in range(5)), "after compaction"])
    )


async def test_named_snapshots_are_for_owners_and_editors_and_hold_uncommitted_edits(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    editor_user = await make_user(db, "editor@a.com")
    commenter = await make_user(db, "commenter@a.com")
    stranger = await make_user(db, "stranger@a.com")
    case_id = await case_with(db, owner, (editor_user, CaseRole.EDITOR), (commenter, CaseRole.COMMENTER))
    async with running_rooms(db) as rooms:
        editor = await _open(rooms, case_id, editor_user)
        editor.paragraph("客户需要更快的交付")
        # Not committed yet: the snapshot must wait for it rather than miss it.
        snapshot = await _named(db, rooms, editor_user, case_id, "  Kick-off\n draft ")
        assert snapshot.label == "Kick-off draft"
        assert snapshot.kind is SnapshotKind.NAMED
        assert snapshot.author_id == editor_user.id
        assert snapshot.size == len(snapshot.state) > 0
        assert snapshot.text == "客户需要更快的交付"
        assert snapshot.position == 1
        with pytest.raises(Forbidden):
            await _named(db, rooms, commenter, case_id, "mine")
        with pytest.raises(NotFound):
            await _named(db, rooms, stranger, case_id, "mine")
        for label in ("", "   ", "x" * 201):
            with pytest.raises(BadInput):
                await _named(db, rooms, owner, case_id, label)


async def test_automatic_snapshots_follow_the_policy_and_never_repeat_a_position(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    case_id = await case_with(db, owner)
    assert await _auto(db, case_id, AutoReason.IDLE) is None, "an empty document has nothing to keep"
    async with running_rooms(db) as rooms:
        editor = await _open(rooms, case_id, owner)
        for i in range(3):
            editor.paragraph(f"p{i}")
        await rooms.settle(case_id)
        assert await _auto(db, case_id, AutoReason.COUNT) is None, "3 updates < every_updates"
        assert await _auto(db, case_id, AutoReason.IDLE) is None, "edited just now: not idle yet"
        later = utcnow() + timedelta(seconds=POLICY.idle_seconds)
        first = await _auto(db, case_id, AutoReason.IDLE, now=later)
        assert first is not None
        assert first.kind is SnapshotKind.AUTO
        assert first.position == 3
        assert first.author_id is None
        assert first.label is None
        assert await _auto(db, case_id, AutoReason.IDLE, now=later) is None, "nothing new since"
        assert await _auto(db, case_id, AutoReason.SHUTDOWN) is None
        for i in range(4):
            editor.paragraph(f"q{i}")
        await rooms.settle(case_id)
        second = await _auto(db, case_id, AutoReason.COUNT)
        assert second is not None
        assert second.position == 7
        editor.paragraph("last words")
        await rooms.settle(case_id)
        third = await _auto(db, case_id, AutoReason.SHUTDOWN)
        assert third is not None
        assert third.text.endswith("last words")


async def test_servers_racing_for_the_same_automatic_snapshot_store_one(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    case_id = await case_with(db, owner)
    async with running_rooms(db) as rooms:
        editor = await _open(rooms, case_id, owner)
        for i in range(8):
            editor.paragraph(f"p{i}")
        await rooms.settle(case_id)
    taken = await asyncio.gather(*(_auto(db, case_id, AutoReason.COUNT) for _ in range(4)))
    assert len([s for s in taken if s is not None]) == 1
    async with db.sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Snapshot).where(Snapshot.case_id == case_id)
        )
    assert count == 1


async def test_old_snapshots_survive_deletion_garbage_collection_and_compaction(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    case_id = await case_with(db, owner)
    async with running_rooms(db) as rooms:
        editor = await _open(rooms, case_id, owner)
        editor.paragraph("Important findings that will be deleted")
        kept = await _named(db, rooms, owner, case_id, "v1")
        editor.delete_all()
        editor.paragraph("Something else")
        await rooms.settle(case_id)
    async with db.transaction() as session:
        await documents.compact(session, case_id)
    async with db.sessions() as session:
        again = await snapshots.require_snapshot(session, owner, kept.id, with_state=True)
        doc: Doc[Any] = Doc()
        doc.apply_update(again.state)
        assert plain_text(doc) == "Important findings that will be deleted"
    async with running_rooms(db) as rooms:
        await snapshot_restore.restore(db, rooms, owner, kept.id)
        async with db.sessions() as session:
            assert (
                plain_text(await documents.load_doc(session, case_id))
                == "Important findings that will be deleted"
            )


async def test_diff_names_who_inserted_and_deleted_each_word(db: Database) -> None:
    ana = await make_user(db, "ana@a.com")
    ben = await make_user(db, "ben@a.com")
    case_id = await case_with(db, ana, (ben, CaseRole.EDITOR))
    async with running_rooms(db) as rooms:
        by_ana = await _open(rooms, case_id, ana)
        by_ben = Editor(by_ana.room, ben)
        by_ana.paragraph("The customer wants faster delivery")
        start = await _named(db, rooms, ana, case_id, "start")
        by_ben.doc.apply_update(by_ana.room.doc.get_update())
        by_ben.replace(0, "The customer wants cheaper delivery")
        by_ana.doc.apply_update(by_ana.room.doc.get_update())
        by_ana.paragraph("客户需要更便宜的交付")
        end = await _named(db, rooms, ben, case_id, "end")
        by_ben.doc.apply_update(by_ana.room.doc.get_update())
        by_ben.paragraph("live only")
        async with db.sessions() as session:
            between = await snapshot_diff.diff(session, rooms, ana, start.id, end.id)
            to_live = await snapshot_diff.diff(session, rooms, ana, start.id, None)
            backwards = await snapshot_diff.diff(session, rooms, ana, end.id, start.id)
    assert between.author_ids == (ben.id, ana.id)
    assert between.credited
    changed = [
        (s.op, s.text, set(s.authors))
        for c in between.diff.changes
        for s in c.segments
        if s.op is not Op.EQUAL
    ]
    assert changed == [
        (Op.DELETED, "faster", {ben.id}),
        (Op.INSERTED, "cheaper", {ben.id}),
        (Op.INSERTED, "\n客户需要更便宜的交付", {ana.id}),
    ]
    assert to_live.target is None
    assert to_live.diff.changes[-1].segments[-1].text.endswith("live only")
    assert to_live.author_ids == (ben.id, ana.id)
    assert backwards.diff.deleted_words == between.diff.inserted_words
    assert [s.op for s in backwards.diff.changes[0].segments if s.op is not Op.EQUAL] == [
        Op.INSERTED,
        Op.DELETED,
        Op.DELETED,
    ]


async def test_diff_and_restore_refuse_foreign_and_missing_snapshots_alike(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    other = await make_user(db, "other@a.com")
    mine = await case_with(db, owner)
    theirs = await case_with(db, other)
    async with running_rooms(db) as rooms:
        (await _open(rooms, mine, owner)).paragraph("mine")
        (await _open(rooms, theirs, other)).paragraph("theirs")
        my_snapshot = await _named(db, rooms, owner, mine, "mine")
        their_snapshot = await _named(db, rooms, other, theirs, "theirs")
        async with db.sessions() as session:
            with pytest.raises(NotFound):
                await snapshot_diff.diff(session, rooms, owner, their_snapshot.id, None)
            with pytest.raises(NotFound):
                await snapshots.require_snapshot(session, owner, "not-an-id")
        with pytest.raises(NotFound):
            await snapshot_restore.restore(db, rooms, owner, their_snapshot.id)
        await cases_add(db, other, theirs, owner, CaseRole.VIEWER)
        async with db.sessions() as session:
            with pytest.raises(BadInput):
                await snapshot_diff.diff(session, rooms, owner, my_snapshot.id, their_snapshot.id)
        with pytest.raises(Forbidden):
            await snapshot_restore.restore(db, rooms, owner, their_snapshot.id)


async def cases_add(db: Database, owner: User, case_id: str, user: User, role: CaseRole) -> None:
    async with db.transaction() as session:
        await cases.add_member(session, owner, case_id=case_id, member_id=user.id, role=role)


async def test_restore_of_a_closed_case_is_stored_and_audited_and_keeps_the_before_version(
    db: Database,
) -> None:
    owner = await make_user(db, "owner@a.com")
    case_id = await case_with(db, owner)
    async with running_rooms(db) as rooms:
        editor = await _open(rooms, case_id, owner)
        editor.paragraph("version one")
        v1 = await _named(db, rooms, owner, case_id, "one")
        editor.replace(0, "version two")
        editor.paragraph("more text")
        await rooms.settle(case_id)
    async with running_rooms(db) as rooms:
        assert rooms.live_state(case_id) is None
        done = await snapshot_restore.restore(db, rooms, owner, v1.id)
    assert done.changed
    assert done.before.kind is SnapshotKind.BEFORE_RESTORE
    assert done.before.text == "version two\nmore text"
    assert done.before.restored_from_id == v1.id
    assert done.before.label == "Before restoring “one”"
    async with db.sessions() as session:
        assert plain_text(await documents.load_doc(session, case_id)) == "version one"
        last = (
            (
                await session.execute(
                    select(DocUpdate).where(DocUpdate.case_id == case_id).order_by(DocUpdate.id.desc())
                )
            )
            .scalars()
            .first()
        )
        assert last is not None
        assert last.author_id == owner.id
        event = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "snapshot.restored"))
        ).scalar_one()
        assert event.data == {"snapshot": v1.id, "before": done.before.id, "changed": True}
        assert await chain_intact(db)
    async with running_rooms(db) as rooms:
        again = await snapshot_restore.restore(db, rooms, owner, v1.id)
    assert not again.changed, "restoring the version the document already reads as changes nothing"


async def test_restore_reaches_the_peers_of_an_open_room_at_once(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    case_id = await case_with(db, owner)
    async with running_rooms(db) as rooms:
        editor = await _open(rooms, case_id, owner)
        editor.paragraph("kept paragraph")
        v1 = await _named(db, rooms, owner, case_id, "one")
        editor.paragraph("to be rolled back")
        await rooms.settle(case_id)
        watcher = RecordingPeer(owner.id, can_write=False)
        editor.room.join(watcher)
        watcher.doc.apply_update(editor.room.doc.get_update())
        frames_before = len(watcher.frames)
        await snapshot_restore.restore(db, rooms, owner, v1.id)
        assert len(watcher.frames) == frames_before + 1, "one update frame, no resync"
        assert plain_text(watcher.doc) == "kept paragraph"
        assert plain_text(editor.room.doc) == "kept paragraph"
