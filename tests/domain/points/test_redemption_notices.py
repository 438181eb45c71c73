"""HR's decision on a redemption notifies the person who asked, in the decision's transaction: an approval,
a rejection (after an approval too), never a fulfilment, and nothing when the decision fails."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.domain.errors import Conflict
from server.domain.points import redemptions, rewards
from server.domain.points.rewards import NewReward
from server.infra import topics
from server.infra.db import Database
from server.models import (
    Notification,
    NotificationKind,
    OutboxKind,
    OutboxMessage,
    RedemptionStatus,
    RewardKind,
    User,
    UserRole,
)
from tests.domain.points.helpers import credit, user


async def _asked(db: Database) -> tuple[User, User, str]:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    await credit(db, ana.id, 100, "seed")
    async with db.transaction() as session:
        reward = await rewards.create_reward(
            session, hr, NewReward("培训课程 Course", RewardKind.TRAINING, 60, None)
        )
    async with db.transaction() as session:
        redeemed = await redemptions.redeem(session, ana, reward_id=reward.id, idempotency_key=None)
    return hr, ana, redeemed.view.redemption.id


async def _notes(
    db: Database, who: User
) -> list[tuple[NotificationKind, str | None, str | None, RedemptionStatus | None]]:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(Notification).where(Notification.user_id == who.id).order_by(Notification.created_at)
        )
        return [(n.kind, n.actor_id, n.redemption_id, n.redemption_decision) for n in rows]


async def _announced(db: Database, who: User) -> int:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == OutboxKind.EVENT,
                OutboxMessage.name == topics.user_notifications(who.id),
            )
        )
        return len(list(rows))


async def test_approval_then_rejection_notify_the_asker_each_with_its_decision(db: Database) -> None:
    hr, ana, rid = await _asked(db)
    second = await user(db, "hr2@a.com", role=UserRole.HR)
    async with db.transaction() as session:
        await redemptions.approve(session, hr, rid)
    async with db.transaction() as session:
        await redemptions.reject(session, second, rid, "预算已用完")
    decided = NotificationKind.REDEMPTION_DECIDED
    assert await _notes(db, ana) == [
        (decided, hr.id, rid, RedemptionStatus.APPROVED),
        (decided, second.id, rid, RedemptionStatus.REJECTED),
    ]
    assert await _announced(db, ana) == 2
    assert await _notes(db, hr) == await _notes(db, second) == []


async def test_fulfilment_and_a_failed_decision_notify_nobody(db: Database) -> None:
    hr, ana, rid = await _asked(db)
    async with db.transaction() as session:
        await redemptions.approve(session, hr, rid)
    async with db.transaction() as session:
        await redemptions.fulfil(session, hr, rid)
    with pytest.raises(Conflict):
        async with db.transaction() as session:
            await redemptions.reject(session, hr, rid, "too late")
    assert [decision for *_, decision in await _notes(db, ana)] == [RedemptionStatus.APPROVED]
    assert await _announced(db, ana) == 1
