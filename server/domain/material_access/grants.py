"""Grants: their state, their revocation, and what a person without a live one is missing."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.errors import Conflict, Forbidden, NotFound
from server.domain.material_access import _notices
from server.domain.material_access.errors import NoGrant
from server.domain.material_access.seats import seat, subject
from server.infra.ids import is_id
from server.models import AccessRequestStatus, MaterialAccessRequest, MaterialGrant, User
from server.models.base import utcnow


class GrantState(enum.StrEnum):
    LIVE = "live"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED_UP = "used_up"


# What a NO_GRANT answer can name as missing (stable codes, documented in docs/api.md).
ACCESS_REQUEST: Final = "ACCESS_REQUEST"
CUSTOMER_AUTHORIZATION: Final = "CUSTOMER_AUTHORIZATION"
LEGAL_APPROVAL: Final = "LEGAL_APPROVAL"
GRANT_EXPIRED: Final = "GRANT_EXPIRED"
GRANT_REVOKED: Final = "GRANT_REVOKED"
DOWNLOADS_USED_UP: Final = "DOWNLOADS_USED_UP"


def state(grant: MaterialGrant, now: datetime | None = None) -> GrantState:
    """Revoked wins over expired, expired over used up."""
    if grant.revoked_at is not None:
        return GrantState.REVOKED
    if grant.expires_at <= (now or utcnow()):
        return GrantState.EXPIRED
    if grant.downloads_used >= grant.downloads_allowed:
        return GrantState.USED_UP
    return GrantState.LIVE


def grant_not_found(grant_id: str) -> NotFound:
    return NotFound(f"No material grant with id {grant_id} is visible to you.")


async def revoke(session: AsyncSession, user: User, grant_id: str) -> MaterialGrant:
    """End a grant at once (an owner of the case or legal): the next request for the content answers 403,
    and a download under way stops at its next chunk."""
    grant = await session.get(MaterialGrant, grant_id) if is_id(grant_id) else None
    if grant is None:
        raise grant_not_found(grant_id)
    try:
        place = await seat(session, grant.material_id, user)
    except NotFound:
        raise grant_not_found(grant_id) from None
    if not place.decides:
        raise Forbidden("Only an owner of the case or legal can revoke access to material.")
    result = await session.execute(
        update(MaterialGrant)
        .where(MaterialGrant.id == grant.id, MaterialGrant.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by=user.id)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(grant)
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict("This grant is already revoked.")
    await audit.record(
        session,
        actor_id=user.id,
        action="material.access_revoked",
        subject=subject(grant.material_id),
        data={"request_id": grant.request_id, "grant_id": grant.id, "grantee_id": grant.grantee_id},
    )
    await _notices.revoked(session, place.case, grant, user)
    return grant


async def no_grant(session: AsyncSession, user: User, material_id: str) -> NoGrant:
    """Why `user` cannot read the material now, from their newest request for it."""
    request = await session.scalar(
        select(MaterialAccessRequest)
        .where(
            MaterialAccessRequest.material_id == material_id, MaterialAccessRequest.requested_by == user.id
        )
        .order_by(MaterialAccessRequest.id.desc())
        .limit(1)
    )
    if request is None:
        return NoGrant(
            "You hold no grant for this material: ask for access (requestMaterialAccess); it opens once an "
            "owner of the case has recorded the customer's authorization and legal has approved.",
            [ACCESS_REQUEST, CUSTOMER_AUTHORIZATION, LEGAL_APPROVAL],
        )
    if request.status is AccessRequestStatus.REJECTED:
        return NoGrant(
            f"Your request for this material was rejected ({request.rejection_reason}); ask again if the "
            "reason no longer holds.",
            [ACCESS_REQUEST],
        )
    if request.status is AccessRequestStatus.PENDING:
        missing = [CUSTOMER_AUTHORIZATION] if request.authorized_by is None else []
        missing += [LEGAL_APPROVAL] if request.approved_by is None else []
        names = " and ".join(
            {CUSTOMER_AUTHORIZATION: "the customer's authorization", LEGAL_APPROVAL: "legal's approval"}[m]
            for m in missing
        )
        return NoGrant(f"Your request for this material is waiting for {names}.", missing)
    grant = await session.scalar(select(MaterialGrant).where(MaterialGrant.request_id == request.id))
    if grant is None:  # pragma: no cover - a granted request always has its grant (same transaction)
        return NoGrant("You hold no grant for this material.", [ACCESS_REQUEST])
    now = utcnow()
    match state(grant, now):
        case GrantState.REVOKED:
            return NoGrant(
                f"Your grant for this material was revoked at {grant.revoked_at:%Y-%m-%d %H:%M} UTC; "
                "ask again.",
                [GRANT_REVOKED],
            )
        case GrantState.EXPIRED:
            return NoGrant(
                f"Your grant for this material expired at {grant.expires_at:%Y-%m-%d %H:%M} UTC; ask again.",
                [GRANT_EXPIRED],
            )
        case _:
            return NoGrant(
                f"Your grant for this material allowed {grant.downloads_allowed} downloads and all are used; "
                "ask again.",
                [DOWNLOADS_USED_UP],
            )
