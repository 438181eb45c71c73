"""The request and the two approvals that open a material: the customer's authorization, recorded by an
owner of the case, and legal's approval. They come in either order, from two different people, neither of
them the requester; the second one writes the grant.

Each step is a conditional update on the request (PENDING, its slot still empty, the other slot not the
caller's), so two people acting at once cannot both fill a slot, and of the two completing updates only one
turns the request GRANTED and writes the grant (which the unique `request_id` backs up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.domain.material_access import _notices
from server.domain.material_access.errors import SeparationOfDuties
from server.domain.material_access.seats import Seat, seat, subject
from server.infra.ids import is_id
from server.models import AccessRequestStatus, MaterialAccessRequest, MaterialGrant, User
from server.models.base import utcnow

MAX_REASON: Final = 1000
MAX_EVIDENCE: Final = 2000
DEFAULT_HOURS: Final = 24
MAX_HOURS: Final = 168
DEFAULT_DOWNLOADS: Final = 3
MAX_DOWNLOADS: Final = 20

_Request = MaterialAccessRequest
PENDING = AccessRequestStatus.PENDING


@dataclass(frozen=True)
class Step:
    """What a command did: the request as it is now, and the grant if this step completed it."""

    request: MaterialAccessRequest
    grant: MaterialGrant | None = None


def clean_text(value: str, what: str, limit: int) -> str:
    """`value` without surrounding blanks; BAD_INPUT when empty or longer than `limit`."""
    value = value.strip()
    if not value:
        raise BadInput(f"Give a {what}.")
    if len(value) > limit:
        raise BadInput(f"The {what} is longer than {limit} characters.")
    return value


def request_not_found(request_id: str) -> NotFound:
    return NotFound(f"No material access request with id {request_id} is visible to you.")


async def visible_request(session: AsyncSession, request_id: str, user: User) -> tuple[_Request, Seat]:
    """A request and the caller's seat at its material; NOT_FOUND, as for a missing id, when they may not
    see the material."""
    request = await session.get(_Request, request_id) if is_id(request_id) else None
    if request is None:
        raise request_not_found(request_id)
    try:
        return request, await seat(session, request.material_id, user)
    except NotFound:
        raise request_not_found(request_id) from None


async def request_access(session: AsyncSession, user: User, material_id: str, reason: str) -> _Request:
    """Ask to open a material (any member of its case); the owners and legal are notified."""
    place = await seat(session, material_id, user)
    if place.role is None:
        raise Forbidden("Only a member of the case can ask to open its material.")
    reason = clean_text(reason, "reason", MAX_REASON)
    waiting = await session.scalar(
        select(_Request.id).where(
            _Request.material_id == material_id, _Request.requested_by == user.id, _Request.status == PENDING
        )
    )
    if waiting is not None:
        raise Conflict(f"You already asked to open this material (request {waiting}); it is still pending.")
    request = _Request(
        material_id=material_id,
        case_id=place.case.id,
        requested_by=user.id,
        reason=reason,
        status=PENDING,
        created_at=utcnow(),
    )
    session.add(request)
    await session.flush()
    await _notices.requested(session, place.case, request)
    await _audit(session, user, "material.access_requested", request, {"reason": reason})
    return request


def _authorize_refusal(request: _Request, place: Seat, user: User) -> Exception | None:
    if request.requested_by == user.id:
        return SeparationOfDuties(
            "You asked for this access, so another owner of the case must record the customer's "
            "authorization."
        )
    if not place.owner:
        return Forbidden("Only an owner of the case records the customer's authorization.")
    if request.status is not PENDING:
        return Conflict(f"This request is already {request.status.value}.")
    if request.authorized_by is not None:
        return Conflict("The customer's authorization for this request is already recorded.")
    if request.approved_by == user.id:
        return SeparationOfDuties(
            "You approved this request for legal, so another owner must record the customer's authorization: "
            "one person never gives both approvals."
        )
    return None


async def authorize(session: AsyncSession, user: User, request_id: str, evidence: str) -> Step:
    """Record how the customer agreed (case owners; not the requester, not legal's approver)."""
    request, place = await visible_request(session, request_id, user)
    if (refusal := _authorize_refusal(request, place, user)) is not None:
        raise refusal
    evidence = clean_text(evidence, "record of the customer's authorization", MAX_EVIDENCE)
    await _fill(
        session,
        request,
        _Request.authorized_by.is_(None),
        _Request.approved_by,
        user,
        {"authorized_by": user.id, "authorization_evidence": evidence, "authorized_at": utcnow()},
        lambda: _authorize_refusal(request, place, user),
    )
    grant = await _complete(session, request, place, user)
    await _audit(session, user, "material.access_authorized", request, {"evidence": evidence})
    await _audit_grant(session, user, request, grant)
    return Step(request, grant)


def _approve_refusal(request: _Request, place: Seat, user: User) -> Exception | None:
    if request.requested_by == user.id:
        return SeparationOfDuties("You asked for this access, so someone else in legal must approve it.")
    if not place.legal:
        return Forbidden("Only legal of the case's team approves access to raw material.")
    if request.status is not PENDING:
        return Conflict(f"This request is already {request.status.value}.")
    if request.approved_by is not None:
        return Conflict("Legal already approved this request.")
    if request.authorized_by == user.id:
        return SeparationOfDuties(
            "You recorded the customer's authorization for this request, so someone else in legal must "
            "approve it: one person never gives both approvals."
        )
    return None


def check_limits(hours: int, downloads: int) -> None:
    """BAD_INPUT unless 1 <= hours <= 168 and 1 <= downloads <= 20."""
    if not 1 <= hours <= MAX_HOURS:
        raise BadInput(f"`hours` must be between 1 and {MAX_HOURS}, not {hours}.")
    if not 1 <= downloads <= MAX_DOWNLOADS:
        raise BadInput(f"`downloads` must be between 1 and {MAX_DOWNLOADS}, not {downloads}.")


async def approve(
    session: AsyncSession,
    user: User,
    request_id: str,
    *,
    hours: int = DEFAULT_HOURS,
    downloads: int = DEFAULT_DOWNLOADS,
) -> Step:
    """Legal's approval, with the grant's limits (legal of the team; not the requester, not the owner who
    recorded the customer's authorization)."""
    request, place = await visible_request(session, request_id, user)
    if (refusal := _approve_refusal(request, place, user)) is not None:
        raise refusal
    check_limits(hours, downloads)
    await _fill(
        session,
        request,
        _Request.approved_by.is_(None),
        _Request.authorized_by,
        user,
        {
            "approved_by": user.id,
            "approved_at": utcnow(),
            "approved_hours": hours,
            "approved_downloads": downloads,
        },
        lambda: _approve_refusal(request, place, user),
    )
    grant = await _complete(session, request, place, user)
    await _audit(session, user, "material.access_approved", request, {"hours": hours, "downloads": downloads})
    await _audit_grant(session, user, request, grant)
    return Step(request, grant)


async def reject(session: AsyncSession, user: User, request_id: str, reason: str) -> Step:
    """Turn a pending request down with a reason (an owner of the case or legal)."""
    request, place = await visible_request(session, request_id, user)
    if not place.decides:
        raise Forbidden("Only an owner of the case or legal can reject a request for access.")
    reason = clean_text(reason, "reason", MAX_REASON)
    result = await session.execute(
        update(_Request)
        .where(_Request.id == request.id, _Request.status == PENDING)
        .values(
            status=AccessRequestStatus.REJECTED,
            rejected_by=user.id,
            rejection_reason=reason,
            rejected_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    await session.refresh(request)
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict(f"Only a pending request can be rejected; this one is {request.status.value}.")
    await _notices.decided(session, place.case, request, user, granted=False)
    await _audit(session, user, "material.access_rejected", request, {"reason": reason})
    return Step(request)


async def _fill(
    session: AsyncSession,
    request: _Request,
    slot_empty: ColumnElement[bool],
    other_slot: Any,
    user: User,
    values: dict[str, Any],
    refusal: Any,
) -> None:
    """Fill one approval slot if it is still empty, the request pending and the other slot not the caller's;
    otherwise raise why not (as the request is now)."""
    result = await session.execute(
        update(_Request)
        .where(
            _Request.id == request.id,
            _Request.status == PENDING,
            slot_empty,
            or_(other_slot.is_(None), other_slot != user.id),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(request)
    if getattr(result, "rowcount", 0) != 1:
        raise refusal() or Conflict("This request changed while you acted on it; look at it again.")


async def _complete(
    session: AsyncSession, request: _Request, place: Seat, user: User
) -> MaterialGrant | None:
    """Write the grant when both approvals are in; None while one is missing (or the other step won)."""
    if request.authorized_by is None or request.approved_by is None:
        return None
    assert request.approved_hours is not None
    assert request.approved_downloads is not None
    result = await session.execute(
        update(_Request)
        .where(
            _Request.id == request.id,
            _Request.status == PENDING,
            _Request.authorized_by.is_not(None),
            _Request.approved_by.is_not(None),
        )
        .values(status=AccessRequestStatus.GRANTED)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(request)
    if getattr(result, "rowcount", 0) != 1:
        return None
    now = utcnow()
    grant = MaterialGrant(
        request_id=request.id,
        material_id=request.material_id,
        grantee_id=request.requested_by,
        created_at=now,
        expires_at=now + timedelta(hours=request.approved_hours),
        downloads_allowed=request.approved_downloads,
        downloads_used=0,
        viewing_bytes=0,
    )
    session.add(grant)
    await session.flush()
    await _notices.decided(session, place.case, request, user, granted=True)
    return grant


async def _audit(
    session: AsyncSession, user: User, action: str, request: _Request, data: dict[str, Any]
) -> None:
    await audit.record(
        session,
        actor_id=user.id,
        action=action,
        subject=subject(request.material_id),
        data={"request_id": request.id, **data},
    )


async def _audit_grant(
    session: AsyncSession, user: User, request: _Request, grant: MaterialGrant | None
) -> None:
    if grant is None:
        return
    await _audit(
        session,
        user,
        "material.access_granted",
        request,
        {
            "grant_id": grant.id,
            "grantee_id": grant.grantee_id,
            "expires_at": grant.expires_at.isoformat(),
            "downloads": grant.downloads_allowed,
        },
    )
