"""People: creating them, signing out, and resolving bearer tokens (signing in: server/domain/signin.py)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.accounts import events as account_events
from server.domain.accounts import tokens

# Resolving a token lives with the other token rules; these names stay importable from here.
from server.domain.accounts.tokens import token_params as token_params
from server.domain.accounts.tokens import user_for_token as user_for_token
from server.domain.accounts.tokens import with_token_owner as with_token_owner
from server.domain.errors import BadInput, Conflict
from server.domain.pagination import Page, paginate
from server.domain.points import rules
from server.infra import auth
from server.infra.db import core_rows
from server.models import AuthToken, Team, User, UserRole
from server.models.base import utcnow

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
DEFAULT_TEAM = "Default"


@dataclass(frozen=True, slots=True)
class Person:
    """Who someone is, as views name them (read-only)."""

    id: str
    email: str
    name: str
    role: UserRole


_USERS = User.__table__.c
_PEOPLE = select(_USERS.id, _USERS.email, _USERS.name, _USERS.role).where(
    _USERS.id.in_(bindparam("ids", expanding=True))
)


async def people_by_id(session: AsyncSession, ids: Iterable[str]) -> dict[str, Person]:
    """The people with these ids (any team: pass ids the caller may see), by id."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    return {row[0]: Person(*row) for row in await core_rows(session, _PEOPLE, {"ids": wanted})}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password(password: str) -> None:
    """BAD_INPUT unless `password` follows the rules every password follows (new accounts, changes)."""
    if len(password) < MIN_PASSWORD:
        raise BadInput(f"The password must have at least {MIN_PASSWORD} characters.")


async def get_or_create_team(session: AsyncSession, name: str) -> Team:
    """The team called `name`, created (with the default points rules) if missing."""
    team = (await session.execute(select(Team).where(Team.name == name))).scalar_one_or_none()
    if team is None:
        team = Team(name=name)
        session.add(team)
        await session.flush()
        await rules.seed_team_rules(session, team.id)
    return team


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    name: str,
    role: UserRole,
    password: str,
    team: Team,
    actor_id: str | None = None,
) -> User:
    """Create a person who can sign in; refuses a duplicate email or a weak password."""
    email = normalise_email(email)
    name = name.strip()
    if not _EMAIL.match(email):
        raise BadInput(f"{email!r} is not an email address.")
    if not name:
        raise BadInput("A name is required.")
    check_password(password)
    if await find_by_email(session, email) is not None:
        raise Conflict(f"A user with email {email} already exists.")
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=await auth.hash_password_async(password),
        team_id=team.id,
    )
    session.add(user)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor_id,
        action="user.created",
        subject=user.id,
        data={"email": email, "role": role.value, "team_id": user.team_id},
    )
    return user


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    query = select(User).where(User.email == normalise_email(email))
    return (await session.execute(query)).scalar_one_or_none()


@dataclass(frozen=True)
class Login:
    token: str
    expires_at: datetime
    user: User


async def issue_token(session: AsyncSession, user: User, ttl: timedelta) -> Login:
    """A new bearer token for `user`, valid for `ttl` (the caller has checked who they are)."""
    token = auth.new_token()
    expires_at = utcnow() + ttl
    session.add(AuthToken(token_hash=auth.token_digest(token), user_id=user.id, expires_at=expires_at))
    await session.flush()
    return Login(token=token, expires_at=expires_at, user=user)


async def logout(session: AsyncSession, token: str) -> bool:
    """Revoke `token`; True when it was live. Its live connections close (server/domain/accounts/watch.py)."""
    token_id = await tokens.revoke(session, token)
    if token_id is None:
        return False
    account_events.tokens_revoked(session, [token_id])
    owner = await session.scalar(select(AuthToken.user_id).where(AuthToken.id == token_id))
    await audit.record(
        session, actor_id=owner, action="user.signed_out", subject=owner or "", data={"revoked_tokens": 1}
    )
    return True


async def search_team(
    session: AsyncSession, viewer: User, *, search: str | None, first: int, after: str | None
) -> Page[User]:
    """People of the viewer's team, filtered by name or email."""
    query = select(User).where(User.active.is_(True), User.team_id == viewer.team_id)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    return await paginate(session, query, User.id, first=first, after=after, newest_first=False)
