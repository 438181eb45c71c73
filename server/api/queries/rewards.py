"""Reading the reward catalogue and redemptions."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.rewards import (
    Redemption,
    RedemptionConnection,
    RedemptionStatus,
    Reward,
    RewardConnection,
)
from server.domain.points import redemptions, rewards


@strawberry.type
class RewardQueries:
    @strawberry.field(description="Your team's reward catalogue; HR may include withdrawn rewards.")
    async def rewards(
        self, info: Info, include_inactive: bool = False, first: int = 50, after: str | None = None
    ) -> RewardConnection:
        viewer = await info.context.user()
        async with info.context.read() as session:
            page = await rewards.list_rewards(
                session, viewer, include_inactive=include_inactive, first=first, after=after
            )
        return RewardConnection(
            nodes=[Reward.of(r) for r in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )

    @strawberry.field(description="One reward of your team's catalogue.")
    async def reward(self, info: Info, id: strawberry.ID) -> Reward:
        viewer = await info.context.user()
        async with info.context.read() as session:
            return Reward.of(await rewards.get_reward(session, viewer, str(id)))

    @strawberry.field(
        description="Redemptions, newest first: HR sees the team's queue (or only their own with mine), "
        "everyone else their own."
    )
    async def redemptions(
        self,
        info: Info,
        status: RedemptionStatus | None = None,  # type: ignore[valid-type]
        mine: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> RedemptionConnection:
        viewer = await info.context.user()
        async with info.context.read() as session:
            page = await redemptions.list_redemptions(
                session,
                viewer,
                status=models.RedemptionStatus(status) if status is not None else None,
                mine=mine,
                first=first,
                after=after,
            )
        return RedemptionConnection(
            nodes=[Redemption.of(view) for view in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )

    @strawberry.field(description="One redemption: your own, or your team's if you are HR.")
    async def redemption(self, info: Info, id: strawberry.ID) -> Redemption:
        viewer = await info.context.user()
        async with info.context.read() as session:
            return Redemption.of(await redemptions.get_redemption(session, viewer, str(id)))
