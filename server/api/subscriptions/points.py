"""`pointsEvents`: the signed-in person's ledger entries and redemption changes, as they happen;
`rewardEvents`: their team's reward catalogue as HR changes it (and as its stock moves)."""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator

import strawberry

from server.api import live
from server.api.context import Info
from server.api.types.points import PointEntry, point_entries
from server.api.types.rewards import Redemption, Reward
from server.domain.errors import NotFound
from server.domain.points import events, ledger, redemptions, rewards
from server.models import User


@strawberry.enum
class PointsEventKind(enum.Enum):
    ENTRY = events.ENTRY
    REDEMPTION = events.REDEMPTION


@strawberry.type(description="Something moved in your points: a new ledger entry, or a redemption changed.")
class PointsEvent:
    kind: PointsEventKind
    entry: PointEntry | None
    redemption: Redemption | None
    balance: int = strawberry.field(description="Your balance when the event was delivered.")


async def _read(info: Info, user: User, event: events.Event) -> PointsEvent | None:
    """The current state behind an event, or None when it is not (or no longer) the user's."""
    kind = event.get("kind")
    entry: PointEntry | None = None
    redemption: Redemption | None = None
    async with info.context.read() as session:
        if kind == events.ENTRY:
            found = await ledger.get_entry(session, int(event["entryId"]))
            if found is None or found.user_id != user.id:
                return None
            entry = (await point_entries(session, [found]))[0]
        elif kind == events.REDEMPTION:
            try:
                view = await redemptions.get_redemption(session, user, str(event["redemptionId"]))
            except NotFound:
                return None
            redemption = Redemption.of(view)
        else:
            return None
        balance = await ledger.balance_of(session, user.id)
    return PointsEvent(kind=PointsEventKind(kind), entry=entry, redemption=redemption, balance=balance)


@strawberry.type(
    description="A reward of your team's catalogue changed: added, edited, withdrawn, or its stock moved."
)
class RewardEvent:
    reward_id: strawberry.ID
    reward: Reward | None = strawberry.field(
        description="The reward as you may see it now; null when it left your catalogue (withdrawn)."
    )


async def _reward(info: Info, user: User, event: events.Event) -> RewardEvent | None:
    if event.get("kind") != events.REWARD:
        return None
    reward_id = str(event["rewardId"])
    async with info.context.read() as session:
        try:
            found = Reward.of(await rewards.get_reward(session, user, reward_id))
        except NotFound:
            found = None
    return RewardEvent(reward_id=strawberry.ID(reward_id), reward=found)


@strawberry.type
class PointsSubscriptions:
    @strawberry.subscription(
        description="Your new ledger entries and your redemptions' status changes. "
        "Over graphql-transport-ws; sign in with connection_init {token}."
    )
    async def points_events(self, info: Info) -> AsyncGenerator[PointsEvent, None]:
        user = await info.context.user()
        stream = await live.events(info, events.topic(user.id))
        return live.mapped(stream, lambda event: _read(info, user, event))

    @strawberry.subscription(
        description="Your team's reward catalogue as it changes (HR adds, edits or withdraws a reward; a "
        "redemption moves its stock). Over graphql-transport-ws; sign in with connection_init {token}."
    )
    async def reward_events(self, info: Info) -> AsyncGenerator[RewardEvent, None]:
        user = await info.context.user()
        if user.team_id is None:
            raise NotFound("You belong to no team, so there is no reward catalogue to follow.")
        stream = await live.events(info, events.rewards_topic(user.team_id))
        return live.mapped(stream, lambda event: _reward(info, user, event))
