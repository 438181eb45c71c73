"""Who sees which pain points, and who may submit or adopt them.

Clusters are computed per team (one run serves everyone, density clustering needs the volume, and a cluster id
means the same problem to R&D and to a case team). What each person sees of them is filtered here: R&D
see the pain points of every case of their team (their text, never the case document); everyone else sees
the pain points of the cases they belong to. Visibility policies (server/domain/access/) add to that: a policy
with the PAIN_POINTS (or CLUSTERS) view opens the pain points of its scope's cases, younger than its
maxAgeDays, with the customer masked when it says so. An id outside that view answers NOT_FOUND, like a
missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.access.effective import Access, Grant, access_of
from server.domain.cases import actions as cases
from server.domain.errors import Forbidden, NotFound
from server.infra.ids import is_id
from server.models import (
    AccessView,
    Case,
    CaseAccess,
    CaseMember,
    CaseRole,
    PainPoint,
    PainPointStatus,
    PolicyScope,
    User,
    UserRole,
)

# Viewers are read-only in a case; everyone else on it may record what the customer said.
SUBMIT_ROLES = (CaseRole.OWNER, CaseRole.EDITOR, CaseRole.COMMENTER)


# The pain points that count (clusters, duplicates' originals): not repeats, not withdrawn ones.
COUNTED = PainPoint.status.in_((PainPointStatus.SUBMITTED, PainPointStatus.ADOPTED))


def team_wide(user: User) -> bool:
    """Whether `user` reads pain points across all cases of their team (R&D)."""
    return user.role is UserRole.RD and user.team_id is not None


@dataclass(frozen=True)
class Sight:
    """What one person may see of the team's pain points through one view (PAIN_POINTS, CLUSTERS), now."""

    user: User
    access: Access
    grants: tuple[Grant, ...]

    @property
    def team_wide(self) -> bool:
        """Every pain point of the team, unmasked and of any age (R&D, or a policy as wide)."""
        if team_wide(self.user):
            return True
        return any(
            g.scope is PolicyScope.TEAM_CASES and g.max_age_days is None and not g.mask_customer_fields
            for g in self.grants
        )

    def _mine(self) -> ColumnElement[bool]:
        return PainPoint.case_id.in_(select(CaseMember.case_id).where(CaseMember.user_id == self.user.id))

    def _opened(self, *, masked: bool) -> list[ColumnElement[bool]]:
        """The cases a policy opens read-only (every pain point of a case one may open is visible)."""
        return [
            self._reach(g, aged=False)
            for g in self.access.grants
            if g.case_access is CaseAccess.VIEWER and (masked or not g.mask_customer_fields)
        ]

    def _reach(self, grant: Grant, *, aged: bool = True) -> ColumnElement[bool]:
        team = self.access.team_id
        if grant.scope is PolicyScope.TEAM_CASES:
            cases: ColumnElement[bool] = PainPoint.team_id == team
        elif grant.scope is PolicyScope.REGION_CASES and self.access.regions:
            in_regions = select(Case.id).where(Case.team_id == team, Case.region.in_(self.access.regions))
            cases = and_(PainPoint.team_id == team, PainPoint.case_id.in_(in_regions))
        elif grant.scope is PolicyScope.MEMBER_CASES:
            cases = self._mine()
        else:
            return false()
        if grant.max_age_days is None or not aged:
            return cases
        return and_(cases, PainPoint.created_at >= self.access.at - timedelta(days=grant.max_age_days))

    @property
    def condition(self) -> ColumnElement[bool]:
        """A condition on `PainPoint` that holds for the pain points this person may see."""
        if self.user.team_id is None:
            return false()
        if team_wide(self.user):
            return PainPoint.team_id == self.user.team_id
        return or_(self._mine(), *self._opened(masked=True), *(self._reach(g) for g in self.grants))

    @property
    def masks(self) -> bool:
        """Whether some pain points are shown with the customer masked."""
        return not team_wide(self.user) and any(g.mask_customer_fields for g in self.access.grants)

    @property
    def clear(self) -> ColumnElement[bool]:
        """A condition on `PainPoint` for those shown with the customer as written (not masked)."""
        if not self.masks:
            return true()
        clear = (self._reach(g) for g in self.grants if not g.mask_customer_fields)
        return or_(self._mine(), *self._opened(masked=False), *clear)


async def sight(session: AsyncSession, user: User, view: AccessView = AccessView.PAIN_POINTS) -> Sight:
    """What `user` may see of pain points through `view` now: their cases, R&D's team, the policies."""
    access = await access_of(session, user)
    return Sight(user, access, tuple(g for g in access.grants if view in g.views))


def visible(seen: Sight) -> ColumnElement[bool]:
    """A condition on `PainPoint` that holds for the pain points of `seen`."""
    return seen.condition


async def masked_ids(session: AsyncSession, seen: Sight, ids: Iterable[str]) -> set[str]:
    """Those of `ids` whose customer `seen` shows masked."""
    wanted = list(set(ids))
    if not wanted or not seen.masks:
        return set()
    rows = await session.scalars(select(PainPoint.id).where(PainPoint.id.in_(wanted), ~seen.clear))
    return set(rows)


def not_found(pain_point_id: str) -> NotFound:
    return NotFound(f"No pain point with id {pain_point_id} is visible to you.")


async def require_visible(session: AsyncSession, pain_point_id: str, user: User) -> PainPoint:
    """The pain point if `user` may see it; NOT_FOUND otherwise (also for a malformed id)."""
    if not is_id(pain_point_id):
        raise not_found(pain_point_id)
    query = select(PainPoint).where(PainPoint.id == pain_point_id, visible(await sight(session, user)))
    pain_point = (await session.execute(query)).scalar_one_or_none()
    if pain_point is None:
        raise not_found(pain_point_id)
    return pain_point


def require_rd(user: User, what: str) -> None:
    """FORBIDDEN unless `user` is R&D."""
    if user.role is not UserRole.RD:
        raise Forbidden(f"Only R&D can {what}; you are {user.role.value}.")


async def visible_ids(
    session: AsyncSession, user: User, ids: list[str], view: AccessView = AccessView.PAIN_POINTS
) -> list[str]:
    """Those of `ids` that `user` may see (through `view`), in the given order."""
    if not ids:
        return []
    found = set(
        (
            await session.execute(
                select(PainPoint.id).where(PainPoint.id.in_(ids), visible(await sight(session, user, view)))
            )
        ).scalars()
    )
    return [pain_point_id for pain_point_id in ids if pain_point_id in found]


async def visible_in_case(session: AsyncSession, user: User, case_id: str, ids: list[str]) -> list[PainPoint]:
    """Those of `ids` that are pain points of the case and that `user` may see, in the given order."""
    if not ids:
        return []
    # Whoever may open the case sees its pain points (as `case_pain_points` lists them); asked at delivery.
    if await cases.case_role(session, case_id, user) is None:
        return []
    query = select(PainPoint).where(PainPoint.id.in_(ids), PainPoint.case_id == case_id)
    found = {row.id: row for row in (await session.execute(query)).scalars()}
    return [found[i] for i in ids if i in found]


async def masked_for(
    session: AsyncSession, user: User, ids: Iterable[str], view: AccessView = AccessView.PAIN_POINTS
) -> set[str]:
    """Those of `ids` whose customer `user` sees masked (through `view`)."""
    wanted = list(ids)
    if not wanted:
        return set()
    return await masked_ids(session, await sight(session, user, view), wanted)


async def visible_by_ids(session: AsyncSession, user: User, ids: list[str]) -> dict[str, PainPoint]:
    """Those of `ids` that `user` may see, by id."""
    if not ids:
        return {}
    query = select(PainPoint).where(PainPoint.id.in_(ids), visible(await sight(session, user)))
    return {row.id: row for row in (await session.execute(query)).scalars()}
