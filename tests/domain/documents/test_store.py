from typing import Any

from pycrdt import Doc, XmlElement, XmlText
from sqlalchemy import func, select

from server.domain.cases import actions as cases
from server.domain.documents import store as documents
from server.domain.documents.text import body, plain_text
from server.infra.db import Database
from server.models import DocUpdate, User
from server.models.base import utcnow
from tests.support.people import make_person


async def _case(db: Database) -> tuple[str, str]:
    person = await make_person(db, "writer@a.com")
    async with db.transaction() as session:
        user = await session.get(User, person.id)
        assert user is not None
        case = await cases.create_case(session, user, title="Doc", customer="C")
    return case.id, person.id


def _edits(count: int) -> list[bytes]:
    """`count` small updates typed into one paragraph, as an editor sends them."""
    doc: Doc[Any] = Doc()
    updates: list[bytes] = []
    subscription = doc.observe(lambda event: updates.append(event.update))
    paragraph = XmlElement("paragraph")
    body(doc).children.append(paragraph)
    text = XmlText()
    paragraph.children.append(text)
    for i in range(count):
        text.insert(len(text), f"w{i} ")
    doc.unobserve(subscription)
    return updates


async def test_reload_gives_byte_identical_state_before_and_after_compaction(db: Database) -> None:
    case_id, author = await _case(db)
    edits = _edits(40)
    live: Doc[Any] = Doc()
    for update in edits:
        live.apply_update(update)
    async with db.transaction() as session:
        await documents.append(
            session, [documents.NewUpdate(case_id, author, u, utcnow()) for u in edits[:25]]
        )
    async with db.transaction() as session:
        assert await documents.compact(session, case_id) == 25
    async with db.transaction() as session:
        await documents.append(
            session, [documents.NewUpdate(case_id, author, u, utcnow()) for u in edits[25:]]
        )
    async with db.sessions() as session:
        reloaded = await documents.load_doc(session, case_id)
    assert reloaded.get_update() == live.get_update()
    assert plain_text(reloaded).startswith("w0 w1 ")
    async with db.transaction() as session:
        assert await documents.compact(session, case_id) == len(edits) - 25
        assert await documents.compact(session, case_id) == 0
    async with db.sessions() as session:
        assert (await documents.load_doc(session, case_id)).get_update() == live.get_update()
        # Compaction keeps the log: author and time of every update stay for history and heatmaps.
        kept = await session.scalar(
            select(func.count()).select_from(DocUpdate).where(DocUpdate.case_id == case_id)
        )
        assert kept == len(edits)
