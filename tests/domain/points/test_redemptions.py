import asyncio

import pytest
from sqlalchemy import select

from server.domain.errors import (
    BadInput,
    Conflict,
    DomainError,
    Forbidden,
    InsufficientPoints,
    NotFound,
    OutOfStock,
)
from server.domain.points import ledger, redemptions, rewards
from server.domain.points.rewards import NewReward, RewardChange
from server.infra.db import Database
from server.models import AuditEvent, RedemptionStatus, Reward, RewardKind, User, UserRole
from tests.domain.points.helpers import balance, credit, user
from tests.support.audit import chain_intact


async def _reward(db: Database, hr: User, cost: int, stock: int | None = None) -> Reward:
    async with db.transaction() as session:
        return await rewards.create_reward(
            session, hr, NewReward(f"R{cost}-{stock}", RewardKind.TRAINING, cost, stock)
        )


async def _redeem(db: Database, who: User, reward_id: str, key: str | None = None) -> redemptions.Redeemed:
    async with db.transaction() as session:
        return await redemptions.redeem(session, who, reward_id=reward_id, idempotency_key=key)


async def _stock(db: Database, reward_id: str) -> int | None:
    async with db.sessions() as session:
        return (await session.get_one(Reward, reward_id)).stock


async def test_redeeming_debits_at_once_and_hr_approves_then_fulfils(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    await credit(db, ana.id, 100, "seed")
    course = await _reward(db, hr, cost=60, stock=2)
    redeemed = await _redeem(db, ana, course.id)
    assert redeemed.hold is not None
    assert (redeemed.hold.delta, redeemed.view.redemption.status) == (-60, RedemptionStatus.REQUESTED)
    assert (await balance(db, ana.id), await _stock(db, course.id)) == (40, 1)
    rid = redeemed.view.redemption.id
    async with db.transaction() as session:
        with pytest.raises(Conflict):  # fulfilling comes after approval
            await redemptions.fulfil(session, hr, rid)
    async with db.transaction() as session:
        approved = await redemptions.approve(session, hr, rid)
    assert (approved.redemption.status, approved.redemption.decided_by) == (RedemptionStatus.APPROVED, hr.id)
    async with db.transaction() as session:
        done = await redemptions.fulfil(session, hr, rid)
    assert (done.redemption.status, done.redemption.fulfilled_by) == (RedemptionStatus.FULFILLED, hr.id)
    async with db.transaction() as session:
        with pytest.raises(Conflict):  # nothing comes after fulfilment
            await redemptions.reject(session, hr, rid, "too late")
    assert await balance(db, ana.id) == 40
    async with db.sessions() as session:
        actions = (await session.scalars(select(AuditEvent.action).where(AuditEvent.subject == rid))).all()
        assert actions == [
            "points.redemption_requested",
            "points.redemption_approved",
            "points.redemption_fulfilled",
        ]
        assert await chain_intact(db)
        assert (await ledger.verify(session)).ok


async def test_rejection_refunds_by_reversal_and_returns_the_item(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    await credit(db, ana.id, 50, "seed")
    course = await _reward(db, hr, cost=50, stock=1)
    redeemed = await _redeem(db, ana, course.id)
    async with db.transaction() as session:
        with pytest.raises(BadInput):
            await redemptions.reject(session, hr, redeemed.view.redemption.id, "  ")
    async with db.transaction() as session:
        rejected = await redemptions.reject(session, hr, redeemed.view.redemption.id, "Budget frozen")
    assert redeemed.hold is not None
    assert (rejected.refund.delta, rejected.refund.reverses_id) == (50, redeemed.hold.id)
    assert rejected.view.redemption.status is RedemptionStatus.REJECTED
    assert rejected.view.redemption.reason == "Budget frozen"
    assert (await balance(db, ana.id), await _stock(db, course.id)) == (50, 1)
    async with db.transaction() as session:
        with pytest.raises(Conflict):  # a refund happens once
            await redemptions.reject(session, hr, redeemed.view.redemption.id, "again")


async def test_clear_refusals(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    await credit(db, ana.id, 30, "seed")
    dear = await _reward(db, hr, cost=31)
    gone = await _reward(db, hr, cost=1, stock=0)
    withdrawn = await _reward(db, hr, cost=2)
    async with db.transaction() as session:
        await rewards.update_reward(session, hr, withdrawn.id, RewardChange(active=False))
    foreign = await _reward(db, await user(db, "hr@b.com", role=UserRole.HR, team="Team B"), cost=1)
    expected: list[tuple[str, type[DomainError]]] = [
        (dear.id, InsufficientPoints),
        (gone.id, OutOfStock),
        (withdrawn.id, Conflict),
        (foreign.id, NotFound),
        ("not-an-id", NotFound),
    ]
    for reward_id, error in expected:
        with pytest.raises(error):
            await _redeem(db, ana, reward_id)
    assert await balance(db, ana.id) == 30


async def test_the_same_idempotency_key_redeems_once(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    await credit(db, ana.id, 100, "seed")
    course = await _reward(db, hr, cost=10)
    results = await asyncio.gather(*(_redeem(db, ana, course.id, key="click-1") for _ in range(5)))
    assert len({r.view.redemption.id for r in results}) == 1
    assert sum(r.hold is not None for r in results) == 1
    async with db.sessions() as session:
        requested = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "points.redemption_requested")
            )
        ).all()
    # audited once, as the request that debited
    assert [(e.actor_id, e.subject, e.data["cost"]) for e in requested] == [
        (ana.id, results[0].view.redemption.id, 10)
    ]
    assert await balance(db, ana.id) == 90
    with pytest.raises(Conflict):
        await _redeem(db, ana, (await _reward(db, hr, cost=11)).id, key="click-1")


async def test_hr_never_decides_their_own_redemption_and_queues_are_scoped(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    admin = await user(db, "admin@a.com", role=UserRole.ADMIN)
    ana = await user(db, "ana@a.com")
    ben = await user(db, "ben@a.com")
    for person in (hr, ana, ben):
        await credit(db, person.id, 10, f"seed-{person.id}")
    course = await _reward(db, hr, cost=5)
    own = await _redeem(db, hr, course.id)
    anas = await _redeem(db, ana, course.id)
    await _redeem(db, ben, course.id)
    async with db.transaction() as session:
        with pytest.raises(Forbidden):
            await redemptions.approve(session, hr, own.view.redemption.id)
    async with db.transaction() as session:
        with pytest.raises(Forbidden):
            await redemptions.approve(session, ben, anas.view.redemption.id)
    async with db.transaction() as session:
        await redemptions.approve(session, admin, own.view.redemption.id)
    async with db.sessions() as session:
        queue = await redemptions.list_redemptions(session, hr, status=None, mine=False, first=10, after=None)
        assert len(queue.items) == 3
        requested = await redemptions.list_redemptions(
            session, hr, status=RedemptionStatus.REQUESTED, mine=False, first=1, after=None
        )
        assert requested.has_next
        rest = await redemptions.list_redemptions(
            session, hr, status=RedemptionStatus.REQUESTED, mine=False, first=5, after=requested.end_cursor
        )
        assert len(requested.items) + len(rest.items) == 2
        mine = await redemptions.list_redemptions(session, ana, status=None, mine=False, first=10, after=None)
        assert [v.requester.id for v in mine.items] == [ana.id]
        assert (
            await redemptions.get_redemption(session, ana, anas.view.redemption.id)
        ).reward.id == course.id
        with pytest.raises(NotFound):
            await redemptions.get_redemption(session, ben, anas.view.redemption.id)


async def _race(db: Database, people: list[User], reward_id: str) -> list[str]:
    async def attempt(who: User) -> str:
        try:
            await _redeem(db, who, reward_id)
        except DomainError as error:
            return error.code
        return "OK"

    return await asyncio.gather(*(attempt(who) for who in people))


async def test_fifty_concurrent_redemptions_limited_by_balance(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    await credit(db, ana.id, 100, "seed")
    course = await _reward(db, hr, cost=10)
    outcomes = await _race(db, [ana] * 50, course.id)
    assert sorted(outcomes) == ["INSUFFICIENT_POINTS"] * 40 + ["OK"] * 10
    assert await balance(db, ana.id) == 0


async def test_fifty_concurrent_redemptions_limited_by_stock(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    people = [await user(db, f"p{i}@a.com") for i in range(50)]
    for person in people:
        await credit(db, person.id, 10, f"seed-{person.id}")
    course = await _reward(db, hr, cost=10, stock=10)
    outcomes = await _race(db, people, course.id)
    assert sorted(outcomes) == ["OK"] * 10 + ["OUT_OF_STOCK"] * 40
    assert await _stock(db, course.id) == 0
    assert sorted([await balance(db, p.id) for p in people]) == [0] * 10 + [10] * 40
