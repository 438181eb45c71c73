"""Rooms.read_doc for a case not open here: the document as stored, reused only while the log is unchanged."""

from server.db import Database
from server.domain import cases, documents
from server.domain.doc_text import plain_text
from server.models import User
from tests.support.documents import write
from tests.support.people import make_person
from tests.support.rooms import running_rooms


async def test_a_stored_document_is_reused_until_its_log_grows(db: Database) -> None:
    person = await make_person(db, "owner@a.com")
    async with db.transaction() as session:
        owner = await session.get(User, person.id)
        assert owner is not None
        case_id = (await cases.create_case(session, owner, title="T", customer="C")).id
    await write(db, case_id, person.id, "first")
    async with running_rooms(db) as rooms:
        first = await rooms.read_doc(case_id)
        assert plain_text(first) == "first"
        assert await rooms.read_doc(case_id) is first, "nothing new: the same document"
        await write(db, case_id, person.id, "second")
        second = await rooms.read_doc(case_id)
        assert second is not first
        assert plain_text(second) == "first\nsecond"
        async with db.transaction() as session:
            await documents.compact(session, case_id)
        assert await rooms.read_doc(case_id) is second, "compaction changes the log's form, not its content"
        await rooms.apply_update(case_id, b"\x00\x00", owner.id)
        assert await rooms.read_doc(case_id) is not second, "a server-made change counts too"
