"""Creating people directly through the domain, as `python -m server users create` does."""

from __future__ import annotations

from dataclasses import dataclass

from server.db import Database
from server.domain import users
from server.models import UserRole

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
