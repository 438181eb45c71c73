"""Creating people directly through the domain, as `python -m server users create` does."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.domain import users
from server.domain.cases import actions as cases
from server.infra.db import Database
from server.models import CaseRole, User, UserRole

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Person:
    id: str
    email: str
    password: str = PASSWORD


async def make_person(
    db: Database,
    email: str,
    *,
    role: UserRole = UserRole.MEMBER,
    team: str = "Team A",
    name: str | None = None,
) -> Person:
    async with db.transaction() as session:
        team_row = await users.get_or_create_team(session, team)
        user = await users.create_user(
            session,
            email=email,
            name=name or email.split("@")[0].title(),
            role=role,
            password=PASSWORD,
            team=team_row,
        )
        return Person(user.id, user.email)


async def user_of(db: Database, person_id: str) -> User:
    """The stored user, for domain calls that take one (detached: read its columns, not relationships)."""
    async with db.sessions() as session:
        return await session.get_one(User, person_id)


async def make_user(db: Database, email: str, **options: Any) -> User:
    """`make_person`, returned as the stored user."""
    return await user_of(db, (await make_person(db, email, **options)).id)


async def case_with(db: Database, owner: User, *members: tuple[User, CaseRole]) -> str:
    """A new case of `owner` with `members` in their roles; its id."""
    async with db.transaction() as session:
        case = await cases.create_case(session, owner, title="Case", customer="ACME")
        for user, role in members:
            await cases.add_member(session, owner, case_id=case.id, member_id=user.id, role=role)
        return case.id
