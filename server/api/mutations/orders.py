"""Recording orders won (case owners)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from server.api.context import Info
from server.domain.points import orders


@strawberry.type(description="An order won on a case and the pain points credited with it.")
class OrderWon:
    id: strawberry.ID
    case_id: strawberry.ID
    amount: Decimal
    reference: str | None
    created_at: datetime
    pain_point_ids: list[strawberry.ID]
    awards_queued: int = strawberry.field(
        description="ORDER_WON awards queued (none for your own pain points)."
    )
    created: bool = strawberry.field(description="False when the reference was recorded before.")


@strawberry.type
class OrderMutations:
    @strawberry.mutation(
        description="Record an order won on your case (owners only). Each credited pain point earns its "
        "author ORDER_WON once per order. With a reference (the order number) the call is safe to repeat."
    )
    async def record_order_won(
        self,
        info: Info,
        case_id: strawberry.ID,
        amount: Decimal,
        pain_point_ids: list[strawberry.ID],
        reference: str | None = None,
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
        order = recorded.order
        return OrderWon(
            id=strawberry.ID(order.id),
            case_id=strawberry.ID(order.case_id),
            amount=order.amount,
            reference=order.reference,
            created_at=order.created_at,
            pain_point_ids=[strawberry.ID(pain_id) for pain_id in recorded.pain_point_ids],
            awards_queued=len(recorded.awards),
            created=recorded.created,
        )
