"""A clawback of points already spent leaves a debt: redemptions wait, later awards repay it."""

import pytest
from sqlalchemy import select

from server.domain.errors import InDebt
from server.domain.points import awards, ledger, redemptions, rewards, voids, wallet
from server.domain.points.rewards import NewReward
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import PointEntry, RewardKind, UserRole
from tests.domain.points.helpers import balance, user
from tests.support.audit import chain_intact


async def test_a_clawback_after_a_redemption_leaves_a_debt_the_next_awards_repay(db: Database) -> None:
    hr = await user(db, "wang.fang@a.com", role=UserRole.HR, name="王芳")
    rd = await user(db, "chen.jing@a.com", role=UserRole.RD, name="陈静")
    author = await user(db, "sun.li@a.com", name="孙丽")
    async with db.transaction() as session:
        book = await rewards.create_reward(session, hr, NewReward("技术书籍", RewardKind.TRAINING, 15, None))
        tea = await rewards.create_reward(session, hr, NewReward("下午茶", RewardKind.OTHER, 1, None))
    pain = new_id()
    async with db.transaction() as session:
        await awards.award(session, awards.pain_point_adopted(pain, author.id, adopted_by=rd.id))
    async with db.transaction() as session:
        await redemptions.redeem(session, author, reward_id=book.id)
    assert await balance(db, author.id) == 0
    # The pain point turns out to be copied: rejected, its 15 points are taken back although spent.
    async with db.transaction() as session:
        outcome = await voids.void(
            session,
            user_id=author.id,
            subject=awards.pain_point_subject(pain),
            reason="抄袭的痛点 / copied",
            actor_id=rd.id,
        )
    (reversal,) = outcome.reversals
    assert (reversal.delta, reversal.balance_after) == (-15, -15)
    assert reversal.note is not None
    assert "15 of 15 points had already been spent: they are owed as a debt" in reversal.note
    async with db.sessions() as session:
        seen = await wallet.wallet(session, author, author.id)
    assert (seen.balance, seen.debt) == (-15, 15)
    # In debt: nothing can be redeemed, not even a 1-point reward.
    async with db.transaction() as session:
        with pytest.raises(InDebt, match="You owe 15 points"):
            await redemptions.redeem(session, author, reward_id=tea.id)
    # Later awards repay the debt first: the balance rises from below zero.
    for _ in range(4):
        async with db.transaction() as session:
            await awards.award(session, awards.pain_point_accepted(new_id(), author.id))
    assert await balance(db, author.id) == 5
    async with db.transaction() as session:
        await redemptions.redeem(session, author, reward_id=tea.id)
    assert await balance(db, author.id) == 4
    async with db.sessions() as session:
        balances = (
            await session.scalars(
                select(PointEntry.balance_after)
                .where(PointEntry.user_id == author.id)
                .order_by(PointEntry.id)
            )
        ).all()
        assert list(balances) == [15, 0, -15, -10, -5, 0, 5, 4]
        assert (await ledger.verify(session)).ok
        assert await chain_intact(db)
