"""Which cases a person may open without a membership: those a current policy opens read-only
(caseAccess VIEWER over their regions' or the team's cases), never another team's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.access.effective import Access, Grant, access_of
from server.infra.ids import is_id
from server.models import AccessView, Case, CaseAccess, CaseMember, CaseRole, PolicyScope, User


@dataclass(frozen=True, slots=True)
class Why:
    """Why a person may open a case: their membership's role, or the policy that opens it (read-only)."""

    role: CaseRole
    membership: bool
    grant: Grant | None


async def why(session: AsyncSession, case_id: str, user: User) -> Why | None:
    """Why `user` may open `case_id` now, or None when they may not."""
    member = await session.get(CaseMember, (case_id, user.id)) if is_id(case_id) else None
    if member is not None:
        return Why(member.role, True, None)
    opened = await viewer_grant(session, case_id, user)
    return None if opened is None else Why(CaseRole.VIEWER, False, opened[1])


async def reasons(session: AsyncSession, case_id: str, user: User) -> list[Why]:
    """Every reason `user` may open `case_id` now: their membership first, then each policy that opens it
    read-only (oldest first); empty when nothing does."""
    if user.team_id is None or not is_id(case_id):
        return []
    found: list[Why] = []
    member = await session.get(CaseMember, (case_id, user.id))
    if member is not None:
        found.append(Why(member.role, True, None))
    case = await session.scalar(select(Case).where(Case.id == case_id, Case.team_id == user.team_id))
    if case is not None:
        found += [Why(CaseRole.VIEWER, False, g) for g in (await access_of(session, user)).opening(case)]
    return found


async def viewer_grant(session: AsyncSession, case_id: str, user: User) -> tuple[Case, Grant] | None:
    """The case and the policy that opens it read-only to `user` now, or None (missing, another team's,
    or no policy opens it: the caller answers all three alike)."""
    if user.team_id is None or not is_id(case_id):
        return None
    case = await session.scalar(select(Case).where(Case.id == case_id, Case.team_id == user.team_id))
    if case is None:
        return None
    grant = (await access_of(session, user)).opens(case)
    return None if grant is None else (case, grant)


def opened_cases(access: Access) -> ColumnElement[bool]:
    """A condition on `Case` true for the cases `access`'s policies open read-only."""
    if access.team_id is None:
        return false()
    if access.viewer_everywhere:
        return Case.team_id == access.team_id
    if access.viewer_regions:
        return and_(Case.team_id == access.team_id, Case.region.in_(access.viewer_regions))
    return false()


def opened_in_clear(access: Access) -> ColumnElement[bool]:
    """A condition on `Case` true for the cases a policy opens read-only without masking the customer."""
    clear = [
        g
        for g in access.grants
        if g.case_access is CaseAccess.VIEWER and AccessView.CASES in g.views and not g.mask_customer_fields
    ]
    if access.team_id is None or not clear:
        return false()
    if any(g.scope is PolicyScope.TEAM_CASES for g in clear):
        return Case.team_id == access.team_id
    if access.regions and any(g.scope is PolicyScope.REGION_CASES for g in clear):
        return and_(Case.team_id == access.team_id, Case.region.in_(access.regions))
    return false()


async def shows_masked(session: AsyncSession, case: Case, user: User) -> bool:
    """Whether `user` sees `case`'s customer masked: no membership, and every policy opening it masks."""
    return bool(await masked_by(session, case, user))


async def masked_by(session: AsyncSession, case: Case, user: User) -> tuple[Grant, ...]:
    """The policies that show `user` `case`'s customer masked (in its title, list preview, document text,
    versions); empty when a membership or a policy without masking opens it."""
    if await session.get(CaseMember, (case.id, user.id)) is not None:
        return ()
    return (await access_of(session, user)).masked_by(case)


def scope_cases(access: Access, grant: Grant) -> Select[Any] | None:
    """The ids of the cases `grant` reaches for `access`'s person (a statement), None when it reaches none:
    MEMBER_CASES their own, REGION_CASES their regions' cases, TEAM_CASES the team's; never another team's."""
    if access.team_id is None:
        return None
    if grant.scope is PolicyScope.TEAM_CASES:
        return select(Case.id).where(Case.team_id == access.team_id)
    if grant.scope is PolicyScope.REGION_CASES:
        if not access.regions:
            return None
        return select(Case.id).where(Case.team_id == access.team_id, Case.region.in_(access.regions))
    return select(CaseMember.case_id).where(CaseMember.user_id == access.user_id)
