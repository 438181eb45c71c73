"""Keeping the reward catalogue (HR)."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.types.rewards import Reward, RewardKind
from server.domain.points import rewards
from server.domain.points.changes import KEEP


@strawberry.input
class CreateRewardInput:
    name: str
    kind: RewardKind  # type: ignore[valid-type]
    cost: int
    stock: int | None = strawberry.field(default=None, description="Items available; null: unlimited.")
    description: str = ""


@strawberry.input(description="Only the fields given change; stock: null makes it unlimited.")
class UpdateRewardInput:
    name: str | None = strawberry.UNSET
    kind: RewardKind | None = strawberry.UNSET  # type: ignore[valid-type]
    cost: int | None = strawberry.UNSET
    stock: int | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


def _given(value: object) -> bool:
    return value is not strawberry.UNSET and value is not None


@strawberry.type
class RewardMutations:
    @strawberry.mutation(description="Add a reward to your team's catalogue (HR, admin).")
    async def create_reward(self, info: Info, input: CreateRewardInput) -> Reward:
        actor = await info.context.user()
        new = rewards.NewReward(
            name=input.name,
            kind=models.RewardKind(input.kind),
            cost=input.cost,
            stock=input.stock,
            description=input.description,
        )
        async with info.context.command() as session:
            return Reward.of(await rewards.create_reward(session, actor, new))

    @strawberry.mutation(description="Change or withdraw (active: false) a reward (HR, admin).")
    async def update_reward(self, info: Info, id: strawberry.ID, input: UpdateRewardInput) -> Reward:
        actor = await info.context.user()
        change = rewards.RewardChange(
            name=input.name if _given(input.name) else KEEP,  # type: ignore[arg-type]
            kind=models.RewardKind(input.kind) if input.kind else KEEP,
            cost=input.cost if _given(input.cost) else KEEP,  # type: ignore[arg-type]
            stock=KEEP if input.stock is strawberry.UNSET else input.stock,
            description=input.description if _given(input.description) else KEEP,  # type: ignore[arg-type]
            active=input.active if _given(input.active) else KEEP,  # type: ignore[arg-type]
        )
        async with info.context.command() as session:
            return Reward.of(await rewards.update_reward(session, actor, str(id), change))
