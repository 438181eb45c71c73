import asyncio
import random

import pytest
from sqlalchemy import func, select, update

from server.domain.errors import DomainError, InsufficientPoints
from server.domain.points import adjustments, awards, ledger, redemptions, rewards, voids
from server.domain.points.rewards import NewReward
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import PointAction, PointBalance, PointEntry, Reward, RewardKind, User, UserRole
from tests.support.people import make_person


async def _append(db: Database, user_id: str, delta: int, key: str) -> ledger.Entry:
    async with db.transaction() as session:
        account = await ledger.lock_account(session, user_id)
        return await ledger.append(
            session, account, delta=delta, action=PointAction.ADJUSTMENT, subject=f"user:{user_id}", key=key
        )


async def _verify(db: Database) -> ledger.LedgerReport:
    async with db.sessions() as session:
        return await ledger.verify(session)


async def test_entries_chain_and_the_balance_is_their_sum(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    for i, delta in enumerate([10, 5, -3, 7]):
        entry = await _append(db, ana.id, delta, f"k{i}")
    assert entry.balance_after == 19
    async with db.sessions() as session:
        assert await ledger.balance_of(session, ana.id) == 19
        page = await ledger.entries_page(session, ana.id, first=3, after=None)
        assert [e.delta for e in page.items] == [7, -3, 5]
        assert page.has_next
        rest = await ledger.entries_page(session, ana.id, first=3, after=page.end_cursor)
        assert [e.delta for e in rest.items] == [10]
        assert not rest.has_next
    assert await _verify(db) == ledger.LedgerReport(entries=4, accounts=1, ok=True)


async def test_a_debit_beyond_the_balance_is_refused_and_writes_nothing(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    await _append(db, ana.id, 5, "credit")
    with pytest.raises(InsufficientPoints):
        await _append(db, ana.id, -6, "debit")
    async with db.sessions() as session:
        assert await ledger.balance_of(session, ana.id) == 5
        assert await ledger.entry_by_key(session, "debit") is None


async def test_verify_finds_an_edited_entry_and_a_wrong_cached_balance(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    for i in range(3):
        await _append(db, ana.id, 4, f"k{i}")
    async with db.transaction() as session:
        await session.execute(update(PointBalance).values(balance=999))
    report = await _verify(db)
    assert not report.ok
    assert "cached balance" in report.reason
    async with db.transaction() as session:
        await session.execute(update(PointBalance).values(balance=12))
        await session.execute(update(PointEntry).where(PointEntry.idempotency_key == "k1").values(delta=40))
    report = await _verify(db)
    assert (report.ok, report.reason) == (False, "the entry was altered after it was written")


async def test_reversal_is_a_new_entry_and_leaves_a_debt_when_allowed(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    earned = await _append(db, ana.id, 15, "earned")
    await _append(db, ana.id, -10, "spent")
    async with db.transaction() as session:
        account = await ledger.lock_account(session, ana.id)
        with pytest.raises(InsufficientPoints):
            await ledger.reverse(session, account, earned, note="wrong", actor_id=None)
        reversal = await ledger.reverse(
            session, account, earned, note="wrong", actor_id=None, allow_debt=True
        )
    assert (reversal.delta, reversal.reverses_id, reversal.key) == (-15, earned.id, f"REVERSAL:{earned.id}")
    assert reversal.balance_after == -10
    assert reversal.note is not None
    assert "10 of 15 points had already been spent: they are owed as a debt" in reversal.note
    # Only a reversal may go below zero: a plain debit on a balance in debt is still refused.
    with pytest.raises(InsufficientPoints):
        await _append(db, ana.id, -1, "more")
    assert (await _append(db, ana.id, 4, "repaid")).balance_after == -6
    assert (await _verify(db)).ok


async def test_concurrent_movements_never_overdraw_and_the_cache_stays_the_sum(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    rng = random.Random(5)
    deltas = [rng.choice([7, 3, -4, -9, -2]) for _ in range(60)]

    async def move(i: int, delta: int) -> bool:
        try:
            await _append(db, ana.id, delta, f"k{i}")
        except InsufficientPoints:
            return False
        return True

    done = await asyncio.gather(*(move(i, d) for i, d in enumerate(deltas)))
    applied = sum(d for d, ok in zip(deltas, done, strict=True) if ok)
    async with db.sessions() as session:
        total = await session.scalar(select(func.sum(PointEntry.delta)))
        lowest = await session.scalar(select(func.min(PointEntry.balance_after)))
        assert await ledger.balance_of(session, ana.id) == total == applied
    assert lowest is not None
    assert lowest >= 0
    assert (await _verify(db)).ok


async def test_mixed_concurrent_traffic_keeps_every_balance_the_sum_of_its_entries(db: Database) -> None:
    people = [await make_person(db, f"p{i}@a.com") for i in range(4)]
    hr_person = await make_person(db, "hr@a.com", role=UserRole.HR)
    rd = await make_person(db, "rd@a.com", role=UserRole.RD)
    async with db.sessions() as session:
        hr = await session.get_one(User, hr_person.id)
        users = [await session.get_one(User, p.id) for p in people]
    async with db.transaction() as session:
        course = await rewards.create_reward(
            session, hr, NewReward("Course", RewardKind.TRAINING, 20, stock=6)
        )
    rng = random.Random(9)
    pains = [(new_id(), rng.choice(people).id) for _ in range(30)]

    async def batch() -> None:
        async with db.transaction() as session:
            await awards.award_many(
                session,
                [awards.pain_point_adopted(pain, author, rd.id) for pain, author in rng.sample(pains, 8)],
            )

    async def redeem(user: User) -> None:
        async with db.transaction() as session:
            await redemptions.redeem(session, user, reward_id=course.id)

    async def adjust(user: User) -> None:
        async with db.transaction() as session:
            await adjustments.adjust(session, hr, user_id=user.id, delta=rng.choice([-10, 5]), reason="tune")

    async def void(pain: str, author: str) -> None:
        async with db.transaction() as session:
            await voids.void(session, user_id=author, subject=awards.pain_point_subject(pain), reason="no")

    work = [batch() for _ in range(10)]
    work += [redeem(rng.choice(users)) for _ in range(15)]
    work += [adjust(rng.choice(users)) for _ in range(15)]
    work += [void(*pain) for pain in rng.sample(pains, 8)]
    rng.shuffle(work)
    results = await asyncio.gather(*work, return_exceptions=True)
    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)]
    assert unexpected == []
    report = await _verify(db)
    assert report.ok, report.reason
    async with db.sessions() as session:
        # Only a reversal (a voided pain point whose points were spent) takes a balance below zero.
        overdrawn = await session.scalar(
            select(func.count())
            .select_from(PointEntry)
            .where(PointEntry.balance_after < 0, PointEntry.delta < 0, PointEntry.reverses_id.is_(None))
        )
        assert overdrawn == 0
        stock = (await session.get_one(Reward, course.id)).stock
        assert stock is not None
        assert stock >= 0
