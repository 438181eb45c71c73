"""Finding the account an action is about, and the rules every admin action shares."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import users
from server.domain.errors import Conflict, Forbidden, NotFound
from server.infra.ids import is_id
from server.models import User, UserRole


def require_admin(actor: User, doing: str) -> None:
    """FORBIDDEN unless `actor` is an admin."""
    if actor.role is not UserRole.ADMIN:
        raise Forbidden(f"Only an admin can {doing}; you are {actor.role.value}.")


async def teammate(session: AsyncSession, actor: User, user_id: str) -> User:
    """The account `user_id` of the admin's team, locked for the change; NOT_FOUND for another team's,
    as for one that does not exist."""
    target = None
    if is_id(user_id):
        target = await session.scalar(select(User).where(User.id == user_id).with_for_update())
    if target is None or target.team_id != actor.team_id:
        raise NotFound(f"No user with id {user_id} is visible to you.")
    return target


async def by_email(session: AsyncSession, email: str) -> User:
    """The account with this email (an operator's command), locked for the change."""
    query = select(User).where(User.email == users.normalise_email(email)).with_for_update()
    target = await session.scalar(query)
    if target is None:
        raise NotFound(f"No user with email {users.normalise_email(email)}.")
    return target


async def keep_an_admin(session: AsyncSession, target: User) -> None:
    """CONFLICT when `target` is the last active admin of their team (it is about to stop being one).

    The team's active admins are locked: two admins demoting each other at once cannot both succeed.
    """
    if target.role is not UserRole.ADMIN or not target.active:
        return
    admins = await session.scalars(
        select(User.id)
        .where(User.team_id == target.team_id, User.role == UserRole.ADMIN, User.active.is_(True))
        .with_for_update()
    )
    if not set(admins) - {target.id}:
        raise Conflict(f"{target.email} is the last active admin of the team: make someone else admin first.")
