"""Daily and monthly caps per person and rule: the adoption loop stops, also under 50 concurrent awards."""

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from server.domain.points import awards, caps, ledger, rules
from server.domain.points.awards import AwardRequest, AwardResult
from server.domain.points.rules import RuleChange
from server.infra.db import Database, create_engine
from server.infra.ids import new_id
from server.models import PointAction, PointEntry, UserRole
from tests.domain.points.helpers import balance, user


async def _award(db: Database, request: AwardRequest) -> awards.AwardOutcome:
    async with db.transaction() as session:
        return await awards.award(session, request)


async def _notes(db: Database, user_id: str) -> list[str | None]:
    async with db.sessions() as session:
        found = await session.scalars(
            select(PointEntry.note).where(PointEntry.user_id == user_id).order_by(PointEntry.id)
        )
        return list(found.all())


async def test_the_adoption_loop_stops_at_the_caps(db: Database) -> None:
    """An R&D person and a member grant each other points over and over: each stops at a daily cap."""
    rd = await user(db, "chen.jing@a.com", role=UserRole.RD, name="陈静")
    member = await user(db, "liu.yang@a.com", name="刘洋")
    for _ in range(40):
        # 陈静 adopts 刘洋's pain points; 刘洋 records orders crediting 陈静's.
        await _award(db, awards.pain_point_adopted(new_id(), member.id, adopted_by=rd.id))
        await _award(db, awards.order_won(new_id(), new_id(), rd.id, recorded_by=member.id))
    assert await balance(db, member.id) == 60  # PAIN_POINT_ADOPTED: 15 points, 60 a day
    assert await balance(db, rd.id) == 300  # ORDER_WON: 30 points, 300 a day
    notes = await _notes(db, member.id)
    assert notes[:4] == [None] * 4
    assert set(notes[4:]) == {"Daily cap of 60 points reached."}
    assert len(notes) == 40  # every attempt is on the ledger, capped ones at zero
    async with db.sessions() as session:
        assert (await ledger.verify(session)).ok


async def test_the_monthly_cap_holds_when_the_daily_cap_is_lifted(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR, name="王芳")
    member = await user(db, "liu.yang@a.com", name="刘洋")
    rd = await user(db, "chen.jing@a.com", role=UserRole.RD, name="陈静")
    async with db.transaction() as session:
        await rules.update_rule(session, hr, PointAction.PAIN_POINT_ADOPTED, RuleChange(daily_cap=None))
    outcomes = [
        await _award(db, awards.pain_point_adopted(new_id(), member.id, adopted_by=rd.id)) for _ in range(22)
    ]
    assert [o.result for o in outcomes] == [AwardResult.AWARDED] * 20 + [AwardResult.CAPPED] * 2
    assert await balance(db, member.id) == 300
    assert outcomes[-1].entry is not None
    assert outcomes[-1].entry.note == "Monthly cap of 300 points reached."


async def test_an_award_cut_by_the_monthly_cap_earns_what_is_left(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    member = await user(db, "liu.yang@a.com", name="刘洋")
    async with db.transaction() as session:
        await rules.update_rule(
            session, hr, PointAction.PAIN_POINT_ACCEPTED, RuleChange(daily_cap=None, monthly_cap=12)
        )
    deltas = [
        (await _award(db, awards.pain_point_accepted(new_id(), member.id))).entry.delta  # type: ignore[union-attr]
        for _ in range(4)
    ]
    assert deltas == [5, 5, 2, 0]


async def test_last_months_earnings_do_not_count() -> None:
    rule = rules.DEFAULT_RULES[PointAction.PAIN_POINT_ADOPTED]
    assert caps.allowance(rule, caps.Earned(today=0, month=300)) == (0, "Monthly cap of 300 points reached.")
    assert caps.allowance(rule, caps.Earned(today=50, month=50)) == (10, "Daily cap of 60 points reached.")
    assert caps.allowance(rule, caps.Earned()) == (15, None)
    december = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
    assert caps.month_start(december) == datetime(2026, 12, 1, tzinfo=UTC)
    assert caps.next_month(caps.month_start(december)) == datetime(2027, 1, 1, tzinfo=UTC)


async def test_fifty_concurrent_awards_stop_at_the_cap_on_postgres(postgres_url: str) -> None:
    """Each award in its own transaction at once: the per-person account lock makes the caps hold."""
    db = Database(create_engine(postgres_url, pool_size=25))
    try:
        rd = await user(db, "chen.jing@a.com", role=UserRole.RD, name="陈静")
        member = await user(db, "liu.yang@a.com", name="刘洋")
        requests = [awards.pain_point_adopted(new_id(), member.id, adopted_by=rd.id) for _ in range(50)]
        outcomes = await asyncio.gather(*(_award(db, request) for request in requests))
        assert sorted(o.result for o in outcomes) == [AwardResult.AWARDED] * 4 + [AwardResult.CAPPED] * 46
        assert await balance(db, member.id) == 60
        async with db.sessions() as session:
            assert (await ledger.verify(session)).ok
            total = sum((await session.scalars(select(PointEntry.delta))).all())
        assert total == 60
    finally:
        await db.dispose()


async def _award_many(db: Database, requests: list[AwardRequest]) -> list[awards.AwardOutcome]:
    async with db.transaction() as session:
        return await awards.award_many(session, requests)


async def test_an_award_dated_in_the_past_counts_toward_its_own_day(db: Database) -> None:
    """The demo's six weeks of pain points: each day's awards fill that day's cap, not today's."""
    member = await user(db, "liu.yang@a.com", name="刘洋")
    monday, tuesday = datetime(2026, 3, 9, 23, 59, tzinfo=UTC), datetime(2026, 3, 10, 0, 1, tzinfo=UTC)
    # one batch, two days: 11 pain points on each (5 points each, 50 a day)
    outcomes = await _award_many(
        db,
        [
            awards.pain_point_accepted(new_id(), member.id, at=day)
            for day in (monday, tuesday)
            for _ in range(11)
        ],
    )
    deltas = [o.entry.delta for o in outcomes if o.entry is not None]
    assert deltas == ([5] * 10 + [0]) * 2
    assert {o.entry.created_at for o in outcomes if o.entry is not None} == {monday, tuesday}
    # Monday again, in a later batch: still full; today is untouched.
    later = await _award(db, awards.pain_point_accepted(new_id(), member.id, at=monday))
    assert (later.result, later.entry and later.entry.note) == (
        AwardResult.CAPPED,
        "Daily cap of 50 points reached.",
    )
    today = await _award(db, awards.pain_point_accepted(new_id(), member.id))
    assert (today.result, today.entry and today.entry.delta) == (AwardResult.AWARDED, 5)
    assert await balance(db, member.id) == 105
    async with db.sessions() as session:
        assert (await ledger.verify(session)).ok


async def test_dated_awards_share_their_month_s_cap(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    member = await user(db, "liu.yang@a.com", name="刘洋")
    async with db.transaction() as session:
        await rules.update_rule(
            session, hr, PointAction.PAIN_POINT_ACCEPTED, RuleChange(daily_cap=None, monthly_cap=12)
        )
    march = [datetime(2026, 3, day, 12, tzinfo=UTC) for day in (2, 30, 31)]
    april = datetime(2026, 4, 1, 12, tzinfo=UTC)
    outcomes = await _award_many(
        db, [awards.pain_point_accepted(new_id(), member.id, at=at) for at in [*march, april, march[0]]]
    )
    assert [o.entry.delta for o in outcomes if o.entry is not None] == [5, 5, 2, 5, 0]
