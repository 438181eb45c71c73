"""Recording orders won (case owners); approving them is in mutations/approvals."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from server.api.context import Info
from server.api.types.approvals import OrderWon
from server.domain.points import orders
from server.domain.points.order_approvals import OrderView


@strawberry.type
class OrderMutations:
    @strawberry.mutation(
        description="Record an order won on your case (owners only), with its order number (reference), "
        "unique within your team: recording it again returns the first order. The order is PENDING: each "
        "credited pain point earns its author ORDER_WON once an HR, finance or admin person of the team, "
        "neither you nor a credited author, approves it (approveOrder)."
    )
    async def record_order_won(
        self,
        info: Info,
        case_id: strawberry.ID,
        amount: Decimal,
        pain_point_ids: list[strawberry.ID],
        reference: str,
    ) -> OrderWon:
        owner = await info.context.user()
        async with info.context.command() as session:
            recorded = await orders.record_order_won(
                session,
                owner,
                case_id=str(case_id),
                amount=amount,
                pain_point_ids=[str(pain_id) for pain_id in pain_point_ids],
                reference=reference,
            )
            credited = await orders.credited_authors(session, recorded.order.id)
        return OrderWon.of(OrderView(recorded.order, credited), created=recorded.created)
