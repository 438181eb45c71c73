"""What waits for a second person: the team's pending orders won and large adjustments."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.approvals import (
    OrderWon,
    OrderWonConnection,
    PointAdjustmentRequest,
    PointAdjustmentRequestConnection,
)
from server.api.types.common import PageInfo
from server.domain.points import adjustment_requests, order_approvals


@strawberry.type
class ApprovalQueries:
    @strawberry.field(
        description="Your team's orders won waiting for approval, oldest first (HR, finance, admin)."
    )
    async def pending_orders(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> OrderWonConnection:
        viewer = await info.context.user()
        async with info.context.read() as session:
            page = await order_approvals.pending_orders(session, viewer, first=first, after=after)
        return OrderWonConnection(
            nodes=[OrderWon.of(view) for view in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )

    @strawberry.field(
        description="Your team's adjustments waiting for a second HR approver, oldest first (HR, admin)."
    )
    async def pending_adjustments(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> PointAdjustmentRequestConnection:
        viewer = await info.context.user()
        async with info.context.read() as session:
            page = await adjustment_requests.pending_adjustments(session, viewer, first=first, after=after)
        return PointAdjustmentRequestConnection(
            nodes=[PointAdjustmentRequest.of(request) for request in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )
