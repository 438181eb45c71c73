"""The demo team: people with every role and their cases, each with an opening text; seeding is idempotent.

Their pain points and first clustering run are seeded by `demo_painpoints`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pycrdt import Doc, XmlElement, XmlText
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import users
from server.domain.cases import actions as cases
from server.domain.demo.content import CASES, DemoCase
from server.domain.documents import store as documents
from server.domain.documents import texts
from server.domain.documents.text import body, state_text
from server.models import Case, Team, User, UserRole
from server.models.base import utcnow

TEAM = "Demo team"
PASSWORD = "warroom-demo"
CASE_TITLE = CASES[0].title


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: UserRole


PEOPLE = (
    DemoPerson("alice@demo.warroom", "Alice Chen (Sales)", UserRole.MEMBER),
    DemoPerson("bob@demo.warroom", "Bob Martin (Product)", UserRole.MEMBER),
    DemoPerson("wang@demo.warroom", "王芳 (Finance BP)", UserRole.MEMBER),
    DemoPerson("sam@demo.warroom", "Sam Ortiz (Supply chain)", UserRole.MEMBER),
    DemoPerson("rita@demo.warroom", "Rita Okafor (R&D)", UserRole.RD),
    DemoPerson("hana@demo.warroom", "Hana Sato (HR)", UserRole.HR),
    DemoPerson("leo@demo.warroom", "Leo Brandt (Legal)", UserRole.LEGAL),
    DemoPerson("zhou@demo.warroom", "周敏 (Finance)", UserRole.FINANCE),
    DemoPerson("admin@demo.warroom", "Ada Admin", UserRole.ADMIN),
)
# What the sign-in page offers to anyone who opens it: never an account that can read the audit trail,
# approve access to raw customer material or administer the team (`python -m server demo` prints those).
NOT_OFFERED = frozenset({UserRole.ADMIN, UserRole.LEGAL})
OFFERED = tuple(person for person in PEOPLE if person.role not in NOT_OFFERED)


def _opening_update(blocks: tuple[tuple[str, str], ...]) -> bytes:
    doc: Doc[Any] = Doc()
    fragment = body(doc)
    with doc.transaction():
        for tag, text in blocks:
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
    for demo_case in CASES:
        await _seed_case(session, team, created, demo_case)
    return list(PEOPLE)


async def _seed_case(session: AsyncSession, team: Team, people: dict[str, User], demo_case: DemoCase) -> None:
    found = await session.execute(
        select(Case.id).where(Case.title == demo_case.title, Case.team_id == team.id)
    )
    if found.scalar_one_or_none() is not None:
        return
    owner = people[demo_case.owner]
    case = await cases.create_case(session, owner, title=demo_case.title, customer=demo_case.customer)
    for email, role in demo_case.members.items():
        await cases.add_member(session, owner, case_id=case.id, member_id=people[email].id, role=role)
    update = documents.NewUpdate(case.id, owner.id, _opening_update(demo_case.opening), utcnow())
    await documents.append(session, [update])
    # Searchable and previewed in the case list from the start (the first update is log position 1).
    await texts.store_text(session, case.id, state_text(update.data), 1)
