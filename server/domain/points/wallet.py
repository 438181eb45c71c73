"""A person's points as people see them: your own, or a teammate's if you are HR."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import Forbidden, NotFound
from server.domain.pagination import Page
from server.domain.points import ledger
from server.domain.points.access import is_hr
from server.domain.points.ledger import Entry
from server.models import User


async def _require_visible(session: AsyncSession, viewer: User, user_id: str) -> None:
    if user_id == viewer.id:
        return
    if not is_hr(viewer):
        raise Forbidden("Only the person and HR see someone's points.")
    target = await session.get(User, user_id)
    if target is None or target.team_id != viewer.team_id:
        raise NotFound(f"No user with id {user_id} is in your team.")


async def balance(session: AsyncSession, viewer: User, user_id: str) -> int:
    """The balance of `user_id`, if the viewer may see it."""
    await _require_visible(session, viewer, user_id)
    return await ledger.balance_of(session, user_id)


async def entries(
    session: AsyncSession, viewer: User, user_id: str, *, first: int, after: str | None
) -> Page[Entry]:
    """The ledger of `user_id`, newest first, if the viewer may see it."""
    await _require_visible(session, viewer, user_id)
    return await ledger.entries_page(session, user_id, first=first, after=after)
