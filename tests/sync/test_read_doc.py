"""Rooms.read_doc for a case not open here: the document as stored, reused only while the log is unchanged."""

from typing import Any

from pycrdt import Doc, XmlElement, XmlText

from server.domain.cases import actions as cases
from server.domain.documents import store as documents
from server.domain.documents.text import body, plain_text
from server.infra.db import Database
from server.models import User
from server.sync import protocol
from tests.support.documents import write
from tests.support.people import make_person
from tests.support.rooms import RecordingPeer, running_rooms


async def _case_reading_first(db: Database) -> tuple[User, str]:
    """An owner and their case, whose document holds one paragraph: "first"."""
    person = await make_person(db, "owner@a.com")
    async with db.transaction() as session:
        owner = await session.get(User, person.id)
        assert owner is not None
        case_id = (await cases.create_case(session, owner, title="T", customer="C")).id
    await write(db, case_id, person.id, "first")
    return owner, case_id


async def test_a_stored_document_is_reused_until_its_log_grows(db: Database) -> None:
    owner, case_id = await _case_reading_first(db)
    async with running_rooms(db) as rooms:
        first = await rooms.read_doc(case_id)
        assert plain_text(first) == "first"
        assert await rooms.read_doc(case_id) is first, "nothing new: the same document"
        await write(db, case_id, owner.id, "second")
        second = await rooms.read_doc(case_id)
        assert second is not first
        assert plain_text(second) == "first\nsecond"
        async with db.transaction() as session:
            await documents.compact(session, case_id)
        assert await rooms.read_doc(case_id) is second, "compaction changes the log's form, not its content"
        await rooms.apply_update(case_id, b"\x00\x00", owner.id)
        assert await rooms.read_doc(case_id) is not second, "a server-made change counts too"


async def test_a_live_document_gets_a_new_version_with_every_change(db: Database) -> None:
    owner, case_id = await _case_reading_first(db)
    async with running_rooms(db) as rooms:
        stored, version = await rooms.read_doc_version(case_id)
        assert version == -1, "a stored document never changes"
        peer = RecordingPeer(owner.id)
        room = await rooms.acquire(case_id, peer)
        doc, opened = await rooms.read_doc_version(case_id)
        assert doc is room.doc
        assert doc is not stored
        # a peer's change, and one made by the server (a restore does this), each count
        await rooms.apply_update(case_id, _paragraph_update(doc, "second"), owner.id)
        changed = (await rooms.read_doc_version(case_id))[1]
        assert changed > opened
        room.handle(peer, protocol.Sync(protocol.SyncKind.UPDATE, _paragraph_update(doc, "third")))
        assert (await rooms.read_doc_version(case_id))[1] > changed
        assert plain_text(doc) == "first\nsecond\nthird"
        rooms.release(room, peer)


def _paragraph_update(doc: Doc[Any], text: str) -> bytes:
    """An update that appends a paragraph to a copy of `doc`."""
    copy: Doc[Any] = Doc()
    copy.apply_update(doc.get_update())
    before = copy.get_state()
    with copy.transaction():
        element = body(copy).children.append(XmlElement("paragraph"))
        element.children.append(XmlText(text))
    return copy.get_update(before)
