"""Who sees which pain points, and who may submit or adopt them.

Clusters are computed per team (one run serves everyone, density clustering needs the volume, and a cluster id
means the same problem to R&D and to a case team). What each person sees of them is filtered here: R&D
see the pain points of every case of their team (their text, never the case document); everyone else sees
the pain points of the cases they belong to. An id outside that view answers NOT_FOUND, like a missing one.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import Forbidden, NotFound
from server.infra.ids import is_id
from server.models import CaseMember, CaseRole, PainPoint, PainPointStatus, User, UserRole

# Viewers are read-only in a case; everyone else on it may record what the customer said.
SUBMIT_ROLES = (CaseRole.OWNER, CaseRole.EDITOR, CaseRole.COMMENTER)


# The pain points that count (clusters, duplicates' originals): not repeats, not withdrawn ones.
COUNTED = PainPoint.status.in_((PainPointStatus.SUBMITTED, PainPointStatus.ADOPTED))


def team_wide(user: User) -> bool:
    """Whether `user` reads pain points across all cases of their team (R&D)."""
    return user.role is UserRole.RD and user.team_id is not None


def visible(user: User) -> ColumnElement[bool]:
    """A condition on `PainPoint` that holds for the pain points `user` may see."""
    if team_wide(user):
        return PainPoint.team_id == user.team_id
    return PainPoint.case_id.in_(select(CaseMember.case_id).where(CaseMember.user_id == user.id))


def not_found(pain_point_id: str) -> NotFound:
    return NotFound(f"No pain point with id {pain_point_id} is visible to you.")


async def require_visible(session: AsyncSession, pain_point_id: str, user: User) -> PainPoint:
    """The pain point if `user` may see it; NOT_FOUND otherwise (also for a malformed id)."""
    if not is_id(pain_point_id):
        raise not_found(pain_point_id)
    query = select(PainPoint).where(PainPoint.id == pain_point_id, visible(user))
    pain_point = (await session.execute(query)).scalar_one_or_none()
    if pain_point is None:
        raise not_found(pain_point_id)
    return pain_point


def require_rd(user: User, what: str) -> None:
    """FORBIDDEN unless `user` is R&D."""
    if user.role is not UserRole.RD:
        raise Forbidden(f"Only R&D can {what}; you are {user.role.value}.")


async def visible_ids(session: AsyncSession, user: User, ids: list[str]) -> list[str]:
    """Those of `ids` that `user` may see, in the given order."""
    if not ids:
        return []
    found = set(
        (await session.execute(select(PainPoint.id).where(PainPoint.id.in_(ids), visible(user)))).scalars()
    )
    return [pain_point_id for pain_point_id in ids if pain_point_id in found]


async def visible_in_case(session: AsyncSession, user: User, case_id: str, ids: list[str]) -> list[PainPoint]:
    """Those of `ids` that are pain points of the case and that `user` may see, in the given order."""
    if not ids:
        return []
    query = select(PainPoint).where(PainPoint.id.in_(ids), PainPoint.case_id == case_id, visible(user))
    found = {row.id: row for row in (await session.execute(query)).scalars()}
    return [found[i] for i in ids if i in found]
