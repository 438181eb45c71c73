"""Approving or rejecting what waits for a second person: orders won and large adjustments."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.approvals import OrderWon, PointAdjustment, PointAdjustmentRequest
from server.api.types.points import point_entries
from server.domain.points import adjustment_requests, order_approvals


@strawberry.type
class ApprovalMutations:
    @strawberry.mutation(
        description="Approve a pending order won of your team (HR, finance, admin; not its recorder nor a "
        "credited author): its ORDER_WON awards are queued."
    )
    async def approve_order(self, info: Info, order_id: strawberry.ID) -> OrderWon:
        approver = await info.context.user()
        async with info.context.command() as session:
            decided = await order_approvals.approve_order(session, approver, str(order_id))
        return OrderWon.of(decided)

    @strawberry.mutation(description="Reject a pending order won of your team, saying why; it earns nothing.")
    async def reject_order(self, info: Info, order_id: strawberry.ID, reason: str) -> OrderWon:
        approver = await info.context.user()
        async with info.context.command() as session:
            decided = await order_approvals.reject_order(session, approver, str(order_id), reason)
        return OrderWon.of(decided)

    @strawberry.mutation(
        description="Approve a pending adjustment of your team (HR, admin; not its requester nor the "
        "person adjusted): the ledger entry is written now."
    )
    async def approve_adjustment(self, info: Info, request_id: strawberry.ID) -> PointAdjustment:
        approver = await info.context.user()
        async with info.context.command() as session:
            decided = await adjustment_requests.approve_adjustment(session, approver, str(request_id))
        async with info.context.read() as session:
            entries = await point_entries(session, [decided.entry] if decided.entry else [])
        return PointAdjustment(
            entry=entries[0] if entries else None, request=PointAdjustmentRequest.of(decided.request)
        )

    @strawberry.mutation(description="Reject a pending adjustment of your team, saying why.")
    async def reject_adjustment(self, info: Info, request_id: strawberry.ID, reason: str) -> PointAdjustment:
        approver = await info.context.user()
        async with info.context.command() as session:
            decided = await adjustment_requests.reject_adjustment(session, approver, str(request_id), reason)
        return PointAdjustment(entry=None, request=PointAdjustmentRequest.of(decided.request))
