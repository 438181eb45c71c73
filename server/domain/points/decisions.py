"""Deciding what waits for an approver (an order won, a large adjustment): once, by one approver."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import Conflict, Reason
from server.models import AdjustmentRequest, ApprovalStatus, Order, User
from server.models.base import utcnow


async def decide(
    session: AsyncSession,
    approver: User,
    pending: Order | AdjustmentRequest,
    to: ApprovalStatus,
    note: str | None,
    what: str,
) -> None:
    """Move `pending` from PENDING to `to`, recording who decided, when and why; CONFLICT when it is no
    longer pending. Conditional on PENDING, so of two approvers deciding at once only one wins (and what
    approval writes, awards or a ledger entry, is written once)."""
    kind = type(pending)
    result = await session.execute(
        update(kind)
        .where(kind.id == pending.id, kind.status == ApprovalStatus.PENDING)
        .values(status=to, decided_by=approver.id, decided_at=utcnow(), decision_note=note)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(pending)
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict(
            f"Only a pending {what} can be {to.value}; this one is {pending.status.value}.",
            reason=Reason.ALREADY_DECIDED,
        )
