"""Redeeming points, and HR's decisions on redemptions."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.points import PointEntry, point_entries
from server.api.types.rewards import Redemption
from server.domain.points import ledger, redemptions


@strawberry.type
class RedeemRewardPayload:
    redemption: Redemption
    hold: PointEntry | None = strawberry.field(
        description="The debit; null when an earlier request with the same idempotencyKey is returned."
    )
    balance: int = strawberry.field(description="Your balance after the debit.")


@strawberry.type
class RedemptionMutations:
    @strawberry.mutation(
        description="Redeem points for a reward: the cost is debited at once and refunded if HR rejects it. "
        "INSUFFICIENT_POINTS or OUT_OF_STOCK when it cannot be covered; a repeated idempotencyKey returns "
        "the first redemption."
    )
    async def redeem_reward(
        self, info: Info, reward_id: strawberry.ID, idempotency_key: str | None = None
    ) -> RedeemRewardPayload:
        user = await info.context.user()
        async with info.context.command() as session:
            redeemed = await redemptions.redeem(
                session, user, reward_id=str(reward_id), idempotency_key=idempotency_key
            )
        async with info.context.read() as session:
            hold = (await point_entries(session, [redeemed.hold]))[0] if redeemed.hold else None
            balance = await ledger.balance_of(session, user.id)
        return RedeemRewardPayload(redemption=Redemption.of(redeemed.view), hold=hold, balance=balance)

    @strawberry.mutation(description="Approve a requested redemption (HR, admin; not your own).")
    async def approve_redemption(self, info: Info, id: strawberry.ID) -> Redemption:
        actor = await info.context.user()
        async with info.context.command() as session:
            view = await redemptions.approve(session, actor, str(id))
        return Redemption.of(view)

    @strawberry.mutation(
        description="Reject a requested or approved redemption with a reason (HR, admin): the points are "
        "refunded by a reversal entry and the item returns to stock."
    )
    async def reject_redemption(self, info: Info, id: strawberry.ID, reason: str) -> Redemption:
        actor = await info.context.user()
        async with info.context.command() as session:
            rejected = await redemptions.reject(session, actor, str(id), reason)
        return Redemption.of(rejected.view)

    @strawberry.mutation(description="Mark an approved redemption as handed over (HR, admin).")
    async def fulfil_redemption(self, info: Info, id: strawberry.ID) -> Redemption:
        actor = await info.context.user()
        async with info.context.command() as session:
            view = await redemptions.fulfil(session, actor, str(id))
        return Redemption.of(view)
