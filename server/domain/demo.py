"""The demo team: people with every role and one case with some text; seeding is idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pycrdt import Doc, XmlElement, XmlText
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import cases, documents, users
from server.domain.doc_text import body
from server.models import Case, CaseRole, UserRole
from server.models.base import utcnow

TEAM = "Demo team"
PASSWORD = "warroom-demo"
CASE_TITLE = "Checkout failures at peak hours"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: UserRole
    case_role: CaseRole | None


PEOPLE = (
    DemoPerson("alice@demo.warroom", "Alice Chen (Sales)", UserRole.MEMBER, CaseRole.OWNER),
    DemoPerson("bob@demo.warroom", "Bob Martin (Product)", UserRole.MEMBER, CaseRole.EDITOR),
    DemoPerson("wang@demo.warroom", "王芳 (Finance BP)", UserRole.MEMBER, CaseRole.COMMENTER),
    DemoPerson("sam@demo.warroom", "Sam Ortiz (Supply chain)", UserRole.MEMBER, CaseRole.VIEWER),
    DemoPerson("rita@demo.warroom", "Rita Okafor (R&D)", UserRole.RD, None),
    DemoPerson("hana@demo.warroom", "Hana Sato (HR)", UserRole.HR, None),
    DemoPerson("leo@demo.warroom", "Leo Brandt (Legal)", UserRole.LEGAL, None),
    DemoPerson("admin@demo.warroom", "Ada Admin", UserRole.ADMIN, None),
)

_OPENING = (
    ("heading", "Customer situation"),
    ("paragraph", "Acme Retail sees card payments declined at checkout between 19:00 and 21:00."),
    ("heading", "What we know"),
    ("paragraph", "高峰期支付失败率约 4%，客户投诉集中在移动端。"),
)


def _opening_update() -> bytes:
    doc: Doc[Any] = Doc()
    fragment = body(doc)
    with doc.transaction():
        for tag, text in _OPENING:
            # A number, as Tiptap writes it (Tiptap shows a string level "2" as a level-1 heading);
            # pycrdt's stubs say str, but Yjs attributes hold any JSON value.
            attrs: dict[str, Any] = {"level": 2} if tag == "heading" else {}
            element = XmlElement(tag, attrs)
            fragment.children.append(element)
            element.children.append(XmlText(text))
    return doc.get_update()


async def seed(session: AsyncSession) -> list[DemoPerson]:
    """Create what is missing of the demo team; returns its people."""
    team = await users.get_or_create_team(session, TEAM)
    created = {}
    for person in PEOPLE:
        user = await users.find_by_email(session, person.email)
        if user is None:
            user = await users.create_user(
                session, email=person.email, name=person.name, role=person.role, password=PASSWORD, team=team
            )
        created[person.email] = user
    owner = created[PEOPLE[0].email]
    case = (
        await session.execute(select(Case).where(Case.title == CASE_TITLE, Case.team_id == team.id))
    ).scalar_one_or_none()
    if case is None:
        case = await cases.create_case(session, owner, title=CASE_TITLE, customer="Acme Retail")
        for person in PEOPLE[1:]:
            if person.case_role is not None:
                await cases.add_member(
                    session, owner, case_id=case.id, member_id=created[person.email].id, role=person.case_role
                )
        update = documents.NewUpdate(case.id, owner.id, _opening_update(), utcnow())
        await documents.append(session, [update])
    return list(PEOPLE)
