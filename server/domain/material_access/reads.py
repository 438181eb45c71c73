"""What the people around a material see: its requests (all of them, to anyone who may see the material),
the requests waiting for them, their own grants, and the access log (owners and legal only)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import NotFound
from server.domain.material_access.grants import GrantState, grant_not_found, state
from server.domain.material_access.requests import visible_request
from server.domain.material_access.seats import require_decider, seat, subject
from server.domain.pagination import Page, paginate
from server.infra.ids import is_id
from server.models import (
    AccessRequestStatus,
    AuditEvent,
    Case,
    CaseMember,
    CaseRole,
    Material,
    MaterialAccessRequest,
    MaterialGrant,
    User,
    UserRole,
)
from server.models.base import utcnow

MAX_LOG: Final = 1000
MAX_GRANTS: Final = 100

_Request = MaterialAccessRequest


async def request(session: AsyncSession, user: User, request_id: str) -> MaterialAccessRequest:
    """One request, to anyone who may see its material."""
    found, _ = await visible_request(session, request_id, user)
    return found


async def visible_requests(
    session: AsyncSession, user: User, request_ids: Iterable[str]
) -> dict[str, MaterialAccessRequest]:
    """Those of `request_ids` the caller may see (for the requests notifications point at)."""
    wanted = [i for i in set(request_ids) if is_id(i)]
    if not wanted or not user.active:
        return {}
    member = exists().where(CaseMember.case_id == _Request.case_id, CaseMember.user_id == user.id)
    seen: ColumnElement[bool] = member
    if user.role is UserRole.LEGAL and user.team_id is not None:
        seen = or_(member, exists().where(Case.id == _Request.case_id, Case.team_id == user.team_id))
    rows = await session.scalars(select(_Request).where(_Request.id.in_(wanted), seen))
    return {row.id: row for row in rows}


def _mine_to_see(user: User) -> ColumnElement[bool]:
    """Requests `user` made, or must act on: as an owner of the case, or as legal of its team. A request's
    requester sees it only while they are on the case."""
    member = exists().where(CaseMember.case_id == _Request.case_id, CaseMember.user_id == user.id)
    owner = exists().where(
        CaseMember.case_id == _Request.case_id,
        CaseMember.user_id == user.id,
        CaseMember.role == CaseRole.OWNER,
    )
    clauses = [and_(_Request.requested_by == user.id, member), owner]
    if user.role is UserRole.LEGAL and user.team_id is not None:
        in_team = exists().where(Case.id == _Request.case_id, Case.team_id == user.team_id)
        clauses.append(in_team)
    return or_(*clauses)


async def requests_page(
    session: AsyncSession,
    user: User,
    *,
    material_id: str | None,
    status: AccessRequestStatus | None,
    first: int,
    after: str | None,
) -> Page[MaterialAccessRequest]:
    """A material's requests (when `material_id` is given), or those the caller made or must act on; newest
    first, optionally of one status."""
    query = select(_Request)
    if material_id is not None:
        await seat(session, material_id, user)
        query = query.where(_Request.material_id == material_id)
    elif not user.active:
        return Page(items=[], has_next=False, end_cursor=None)
    else:
        query = query.where(_mine_to_see(user))
    if status is not None:
        query = query.where(_Request.status == status)
    return await paginate(session, query, _Request.id, first=first, after=after)


async def grants_of(session: AsyncSession, request_ids: Iterable[str]) -> dict[str, MaterialGrant]:
    """The grant of each granted request among `request_ids` (ids the caller may see)."""
    wanted = list(set(request_ids))
    if not wanted:
        return {}
    rows = await session.scalars(select(MaterialGrant).where(MaterialGrant.request_id.in_(wanted)))
    return {grant.request_id: grant for grant in rows}


async def materials_of(session: AsyncSession, material_ids: Iterable[str]) -> dict[str, Material]:
    """Materials by id (ids the caller may see)."""
    wanted = list(set(material_ids))
    if not wanted:
        return {}
    rows = await session.scalars(select(Material).where(Material.id.in_(wanted)))
    return {material.id: material for material in rows}


async def grant(session: AsyncSession, user: User, grant_id: str) -> MaterialGrant:
    """One grant, to anyone who may see its material."""
    found = await session.get(MaterialGrant, grant_id) if is_id(grant_id) else None
    if found is None:
        raise grant_not_found(grant_id)
    try:
        await seat(session, found.material_id, user)
    except NotFound:
        raise grant_not_found(grant_id) from None
    return found


async def my_grants(session: AsyncSession, user: User, *, live_only: bool) -> Sequence[MaterialGrant]:
    """The caller's grants on materials of cases they are still on, newest first (at most 100)."""
    on_case = exists().where(
        Material.id == MaterialGrant.material_id,
        CaseMember.case_id == Material.case_id,
        CaseMember.user_id == user.id,
    )
    query = select(MaterialGrant).where(MaterialGrant.grantee_id == user.id, on_case)
    now = utcnow()
    if live_only:
        query = query.where(
            MaterialGrant.revoked_at.is_(None),
            MaterialGrant.expires_at > now,
            MaterialGrant.downloads_used < MaterialGrant.downloads_allowed,
        )
    rows = (await session.scalars(query.order_by(MaterialGrant.id.desc()).limit(MAX_GRANTS))).all()
    return [row for row in rows if not live_only or state(row, now) is GrantState.LIVE]


async def access_log(session: AsyncSession, user: User, material_id: str) -> Sequence[AuditEvent]:
    """Every audited event about a material, oldest first (an owner of the case or legal): its requests,
    authorizations, approvals, rejections, grants, reads with their byte counts, revocations."""
    place = await seat(session, material_id, user)
    require_decider(place, "read the access log of a material")
    query = select(AuditEvent).where(AuditEvent.subject == subject(material_id)).order_by(AuditEvent.seq)
    return (await session.scalars(query.limit(MAX_LOG))).all()
