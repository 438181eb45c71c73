"""Approving orders won: only then do the credited authors earn ORDER_WON.

An order's recorder is a case owner, who may be anyone; without a second person two colleagues could
record orders crediting each other's pain points without end. So an order waits until an approver of
its team (HR, finance or an admin) who neither recorded it nor is credited by it approves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.errors import BadInput, Forbidden, NotFound
from server.domain.pagination import Page, paginate
from server.domain.points.access import require_order_approver, require_team
from server.domain.points.awards import AwardRequest
from server.domain.points.changes import clean_text
from server.domain.points.decisions import decide
from server.domain.points.orders import credited_authors, queue_order_awards
from server.infra.ids import is_id
from server.models import ApprovalStatus, Order, User

MAX_NOTE = 500


@dataclass(frozen=True)
class OrderView:
    order: Order
    credited: dict[str, str]  # author id by pain point id
    awards: Sequence[AwardRequest] = ()  # queued by this call (an approval)


async def view(session: AsyncSession, order: Order) -> OrderView:
    return OrderView(order, await credited_authors(session, order.id))


async def _for_decision(session: AsyncSession, approver: User, order_id: str, doing: str) -> OrderView:
    require_order_approver(approver, f"{doing} orders won")
    team_id = require_team(approver)
    order = await session.get(Order, order_id) if is_id(order_id) else None
    if order is None or order.team_id != team_id:
        raise NotFound(f"No order with id {order_id} is in your team.")
    # The recorder may withdraw (reject) their own order, never approve it.
    if order.recorded_by == approver.id and doing == "approve":
        raise Forbidden(f"You recorded this order, so you cannot {doing} it; another approver decides it.")
    found = await view(session, order)
    if approver.id in found.credited.values():
        raise Forbidden(
            f"This order credits your own pain points, so you cannot {doing} it; another approver decides it."
        )
    return found


async def approve_order(session: AsyncSession, approver: User, order_id: str) -> OrderView:
    """Approve a pending order of your team: its ORDER_WON awards are queued in this transaction."""
    found = await _for_decision(session, approver, order_id, "approve")
    order = found.order
    await decide(session, approver, order, ApprovalStatus.APPROVED, None, "order")
    queued = queue_order_awards(session, order, found.credited)
    await audit.record(
        session,
        actor_id=approver.id,
        action="points.order_won_approved",
        subject=order.id,
        data={"reference": order.reference, "recorded_by": order.recorded_by, "awards": len(queued)},
    )
    return OrderView(order, found.credited, queued)


async def reject_order(session: AsyncSession, approver: User, order_id: str, reason: str) -> OrderView:
    """Reject a pending order of your team, saying why: it never earns anything."""
    found = await _for_decision(session, approver, order_id, "reject")
    note = clean_text(reason, limit=MAX_NOTE)
    if not note:
        raise BadInput("Say why the order is rejected: the person who recorded it sees the reason.")
    await decide(session, approver, found.order, ApprovalStatus.REJECTED, note, "order")
    await audit.record(
        session,
        actor_id=approver.id,
        action="points.order_won_rejected",
        subject=found.order.id,
        data={"reference": found.order.reference, "recorded_by": found.order.recorded_by, "reason": note},
    )
    return found


async def pending_orders(
    session: AsyncSession, approver: User, *, first: int, after: str | None
) -> Page[OrderView]:
    """The team's orders waiting for approval, oldest first (HR, finance, admin)."""
    require_order_approver(approver, "see the orders waiting for approval")
    team_id = require_team(approver)
    query = select(Order).where(Order.team_id == team_id, Order.status == ApprovalStatus.PENDING)
    page = await paginate(session, query, Order.id, first=first, after=after, newest_first=False)
    return Page([await view(session, order) for order in page.items], page.has_next, page.end_cursor)
