"""Large HR adjustments: above a threshold they wait for a second HR person before reaching the ledger.

Without this two HR people could grant each other up to the adjustment limit on every call. A request
is approved by HR or an admin of the team who is neither its requester nor the person it adjusts; only
then is the ledger entry written.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.domain.pagination import Page, paginate
from server.domain.points import events, ledger
from server.domain.points.access import require_hr, require_team
from server.domain.points.changes import clean_text
from server.domain.points.decisions import decide
from server.domain.points.ledger import Entry
from server.infra.config import Settings, int_setting
from server.infra.ids import is_id
from server.models import AdjustmentRequest, ApprovalStatus, PointAction, User

APPROVAL_SETTING = "WARROOM_ADJUSTMENT_APPROVAL_ABOVE"
# Adjustments of more than this many points either way need a second approver.
DEFAULT_APPROVAL_ABOVE = 500
MAX_NOTE = 500


def approval_above(settings: Settings) -> int:
    """WARROOM_ADJUSTMENT_APPROVAL_ABOVE (default 500; 0: every adjustment needs a second approver)."""
    return int_setting(settings.extra, APPROVAL_SETTING, DEFAULT_APPROVAL_ABOVE, minimum=0)


@dataclass(frozen=True)
class Decided:
    request: AdjustmentRequest
    entry: Entry | None = None  # written by an approval


async def request_adjustment(
    session: AsyncSession,
    actor: User,
    target: User,
    *,
    delta: int,
    reason: str,
    request_key: str | None,
) -> AdjustmentRequest:
    """File an adjustment for a second approver (the caller has checked actor, target and amounts)."""
    assert target.team_id is not None
    if request_key is not None:
        earlier = await session.scalar(
            select(AdjustmentRequest).where(AdjustmentRequest.request_key == request_key)
        )
        if earlier is not None:
            if (earlier.user_id, earlier.delta, earlier.reason) != (target.id, delta, reason):
                raise Conflict("This idempotency key was already used for a different adjustment.")
            return earlier
        if await ledger.entry_by_key(session, request_key) is not None:
            raise Conflict("This idempotency key was already used for a different adjustment.")
    request = AdjustmentRequest(
        team_id=target.team_id,
        user_id=target.id,
        delta=delta,
        reason=reason,
        requested_by=actor.id,
        request_key=request_key,
        status=ApprovalStatus.PENDING,
    )
    session.add(request)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor.id,
        action="points.adjustment_requested",
        subject=target.id,
        data={"delta": delta, "reason": reason, "request_id": request.id},
    )
    return request


async def _for_decision(
    session: AsyncSession, approver: User, request_id: str, doing: str
) -> AdjustmentRequest:
    require_hr(approver, f"{doing} adjustments")
    team_id = require_team(approver)
    request = await session.get(AdjustmentRequest, request_id) if is_id(request_id) else None
    if request is None or request.team_id != team_id:
        raise NotFound(f"No adjustment request with id {request_id} is in your team.")
    # The requester may withdraw (reject) their own request, never approve it.
    if request.requested_by == approver.id and doing == "approve":
        raise Forbidden(
            f"You requested this adjustment, so you cannot {doing} it; another HR person decides it."
        )
    if request.user_id == approver.id:
        raise Forbidden(f"This adjustment is of your own points, so you cannot {doing} it.")
    return request


async def approve_adjustment(session: AsyncSession, approver: User, request_id: str) -> Decided:
    """Approve a pending adjustment of your team: its ledger entry is written now."""
    request = await _for_decision(session, approver, request_id, "approve")
    target = await session.get(User, request.user_id)
    if target is None or target.team_id != request.team_id:
        raise Conflict("The person this adjustment is for is no longer in your team; reject it instead.")
    account = await ledger.lock_account(session, request.user_id)
    await decide(session, approver, request, ApprovalStatus.APPROVED, None, "adjustment")
    entry = await ledger.append(
        session,
        account,
        delta=request.delta,
        action=PointAction.ADJUSTMENT,
        subject=f"user:{request.user_id}",
        key=f"ADJUSTMENT:request:{request.id}",
        actor_id=request.requested_by,
        note=request.reason,
    )
    request.entry_id = entry.id
    await session.flush()
    events.entries_written(session, [entry])
    await audit.record(
        session,
        actor_id=approver.id,
        action="points.adjustment_approved",
        subject=request.user_id,
        data={
            "request_id": request.id,
            "requested_by": request.requested_by,
            "delta": request.delta,
            "entry_id": entry.id,
            "balance": entry.balance_after,
        },
    )
    return Decided(request, entry)


async def reject_adjustment(session: AsyncSession, approver: User, request_id: str, reason: str) -> Decided:
    """Reject a pending adjustment of your team, saying why: nothing reaches the ledger."""
    request = await _for_decision(session, approver, request_id, "reject")
    note = clean_text(reason, limit=MAX_NOTE)
    if not note:
        raise BadInput("Say why the adjustment is rejected: the HR person who asked sees the reason.")
    await decide(session, approver, request, ApprovalStatus.REJECTED, note, "adjustment")
    await audit.record(
        session,
        actor_id=approver.id,
        action="points.adjustment_rejected",
        subject=request.user_id,
        data={"request_id": request.id, "requested_by": request.requested_by, "reason": note},
    )
    return Decided(request)


async def pending_adjustments(
    session: AsyncSession, viewer: User, *, first: int, after: str | None
) -> Page[AdjustmentRequest]:
    """The team's adjustments waiting for a second approver, oldest first (HR, admin)."""
    require_hr(viewer, "see the adjustments waiting for approval")
    team_id = require_team(viewer)
    query = select(AdjustmentRequest).where(
        AdjustmentRequest.team_id == team_id, AdjustmentRequest.status == ApprovalStatus.PENDING
    )
    return await paginate(session, query, AdjustmentRequest.id, first=first, after=after, newest_first=False)
