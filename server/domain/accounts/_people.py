"""Finding the account an action is about, and the rules every admin action shares."""

from __future__ import annotations

from sqlalchemy import Select, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import users
from server.domain.errors import Conflict, Forbidden, NotFound
from server.infra.ids import is_id
from server.infra.locks import advisory_key
from server.models import User, UserRole


def require_admin(actor: User, doing: str) -> None:
    """FORBIDDEN unless `actor` is an admin."""
    if actor.role is not UserRole.ADMIN:
        raise Forbidden(f"Only an admin can {doing}; you are {actor.role.value}.")


async def _hold_team(session: AsyncSession, team_id: str | None) -> None:
    """Serialise account changes within a team until the commit (PostgreSQL; SQLite has one writer): the
    last-admin rule reads the team's other admins, and two changes locking rows in opposite orders
    (two admins demoting each other) would deadlock."""
    if session.get_bind().dialect.name == "postgresql":
        key = advisory_key(f"accounts:{team_id}")
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


async def _locked(session: AsyncSession, query: Select[User]) -> User | None:
    target = await session.scalar(query)
    if target is not None:
        await _hold_team(session, target.team_id)
        # Read again under the lock: a change committed while waiting is seen.
        target = await session.scalar(query.with_for_update().execution_options(populate_existing=True))
    return target


async def teammate(session: AsyncSession, actor: User, user_id: str) -> User:
    """The account `user_id` of the admin's team, locked for the change; NOT_FOUND for another team's,
    as for one that does not exist."""
    target = await _locked(session, select(User).where(User.id == user_id)) if is_id(user_id) else None
    if target is None or target.team_id != actor.team_id:
        raise NotFound(f"No user with id {user_id} is visible to you.")
    return target


async def by_email(session: AsyncSession, email: str) -> User:
    """The account with this email (an operator's command), locked for the change."""
    target = await _locked(session, select(User).where(User.email == users.normalise_email(email)))
    if target is None:
        raise NotFound(f"No user with email {users.normalise_email(email)}.")
    return target


async def keep_an_admin(session: AsyncSession, target: User) -> None:
    """CONFLICT when `target` is the last active admin of their team (it is about to stop being one).

    Run under the team's lock (`teammate`, `by_email`): two admins demoting each other at once cannot both
    succeed.
    """
    if target.role is not UserRole.ADMIN or not target.active:
        return
    admins = await session.scalars(
        select(User.id).where(
            User.team_id == target.team_id, User.role == UserRole.ADMIN, User.active.is_(True)
        )
    )
    if not set(admins) - {target.id}:
        raise Conflict(f"{target.email} is the last active admin of the team: make someone else admin first.")
