"""The regions a person works in, as others may read them: the person themself, or an admin of their team."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import Forbidden, NotFound
from server.models import User, UserRole


def require_reader(viewer: User, user_id: str) -> None:
    """FORBIDDEN unless `viewer` is the person or an admin (who keeps people's regions)."""
    if viewer.id != user_id and viewer.role is not UserRole.ADMIN:
        raise Forbidden("Only an admin can read a teammate's regions.")


async def regions_of(session: AsyncSession, viewer: User, user_id: str) -> list[str]:
    """The person's regions, in the order the admin gave them."""
    require_reader(viewer, user_id)
    row = await session.execute(
        select(User.regions).where(User.id == user_id, User.team_id == viewer.team_id)
    )
    found = row.first()
    if found is None:
        raise NotFound(f"No user with id {user_id} is visible to you.")
    return list(found[0] or [])
