"""Rewards and redemptions."""

from __future__ import annotations

from datetime import datetime

import strawberry

from server import models
from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.users import User
from server.domain.points.redemptions import RedemptionView

RewardKind = strawberry.enum(models.RewardKind, name="RewardKind", description="What a reward gives.")
RedemptionStatus = strawberry.enum(
    models.RedemptionStatus,
    name="RedemptionStatus",
    description="REQUESTED (points held) -> APPROVED -> FULFILLED, or REJECTED (points refunded).",
)


@strawberry.type(description="An item of the team's catalogue that points can be redeemed for.")
class Reward:
    id: strawberry.ID
    name: str
    description: str
    kind: RewardKind  # type: ignore[valid-type]
    cost: int
    stock: int | None = strawberry.field(description="Items left; null: unlimited.")
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, reward: models.Reward) -> Reward:
        return cls(
            id=strawberry.ID(reward.id),
            name=reward.name,
            description=reward.description,
            kind=reward.kind,
            cost=reward.cost,
            stock=reward.stock,
            active=reward.active,
            created_at=reward.created_at,
            updated_at=reward.updated_at,
        )


@strawberry.type
class RewardConnection:
    nodes: list[Reward]
    page_info: PageInfo


@strawberry.type(description="A request to redeem points for a reward, and where HR has taken it.")
class Redemption:
    id: strawberry.ID
    status: RedemptionStatus  # type: ignore[valid-type]
    cost: int = strawberry.field(description="Points held when it was requested.")
    reward: Reward
    requester: User
    reason: str | None = strawberry.field(description="Why HR rejected it.")
    created_at: datetime
    decided_at: datetime | None
    fulfilled_at: datetime | None
    decided_by_id: strawberry.Private[str | None]
    fulfilled_by_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, view: RedemptionView) -> Redemption:
        redemption = view.redemption
        return cls(
            id=strawberry.ID(redemption.id),
            status=redemption.status,
            cost=redemption.cost,
            reward=Reward.of(view.reward),
            requester=User.of(view.requester),
            reason=redemption.reason,
            created_at=redemption.created_at,
            decided_at=redemption.decided_at,
            fulfilled_at=redemption.fulfilled_at,
            decided_by_id=redemption.decided_by,
            fulfilled_by_id=redemption.fulfilled_by,
        )

    async def _person(self, info: Info, user_id: str | None) -> User | None:
        if user_id is None:
            return None
        async with info.context.read() as session:
            user = await session.get(models.User, user_id)
        return User.of(user) if user is not None else None

    @strawberry.field(description="Who approved or rejected it.")
    async def decided_by(self, info: Info) -> User | None:
        return await self._person(info, self.decided_by_id)

    @strawberry.field(description="Who handed it over.")
    async def fulfilled_by(self, info: Info) -> User | None:
        return await self._person(info, self.fulfilled_by_id)


@strawberry.type
class RedemptionConnection:
    nodes: list[Redemption]
    page_info: PageInfo
