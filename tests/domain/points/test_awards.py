import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from server.domain.errors import BadInput, NotFound
from server.domain.points import awards, ledger, rules, voids
from server.domain.points.awards import AwardRequest, AwardResult
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import AuditEvent, PointAction, PointEntry, User, UserRole
from tests.support.audit import chain_intact
from tests.support.people import make_person


async def _award(db: Database, request: AwardRequest) -> awards.AwardOutcome:
    async with db.transaction() as session:
        return await awards.award(session, request)


async def _balance(db: Database, user_id: str) -> int:
    async with db.sessions() as session:
        return await ledger.balance_of(session, user_id)


async def _entries(db: Database, user_id: str) -> list[tuple[PointAction, int]]:
    async with db.sessions() as session:
        rows = await session.execute(
            select(PointEntry.action, PointEntry.delta)
            .where(PointEntry.user_id == user_id)
            .order_by(PointEntry.id)
        )
        return [(action, delta) for action, delta in rows.all()]


async def test_the_same_award_twice_writes_one_entry(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    request = awards.pain_point_accepted(new_id(), ana.id)
    first = await _award(db, request)
    again = await _award(db, request)
    assert first.result is AwardResult.AWARDED
    assert again.result is AwardResult.DUPLICATE
    assert again.entry == first.entry
    assert await _entries(db, ana.id) == [(PointAction.PAIN_POINT_ACCEPTED, 5)]


async def test_concurrent_runs_of_one_award_write_one_entry(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    rd = await make_person(db, "rd@a.com", role=UserRole.RD)
    request = awards.pain_point_adopted(new_id(), ana.id, adopted_by=rd.id)
    outcomes = await asyncio.gather(*(_award(db, request) for _ in range(20)))
    assert sorted(o.result for o in outcomes) == [AwardResult.AWARDED] + [AwardResult.DUPLICATE] * 19
    assert await _entries(db, ana.id) == [(PointAction.PAIN_POINT_ADOPTED, 15)]
    assert await _balance(db, ana.id) == 15


async def test_daily_caps_award_up_to_the_cap_then_write_zero_entries(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    lead = await make_person(db, "lead@a.com")
    outcomes = [await _award(db, awards.comment_resolved(new_id(), ana.id, lead.id)) for _ in range(6)]
    assert [o.result for o in outcomes] == [AwardResult.AWARDED] * 5 + [AwardResult.CAPPED]
    assert await _balance(db, ana.id) == 10  # COMMENT_RESOLVED: 2 points, 10 a day
    last = outcomes[-1].entry
    assert last is not None
    assert last.delta == 0
    assert last.note == "Daily cap of 10 points reached."
    # The cap is per action: snapshots still earn, up to their own cap of 3.
    named = [await _award(db, awards.snapshot_named(new_id(), ana.id)) for _ in range(4)]
    assert [o.entry.delta for o in named if o.entry] == [1, 1, 1, 0]


async def test_an_award_larger_than_what_is_left_of_the_cap_is_cut(db: Database) -> None:
    hr = await make_person(db, "hr@a.com", role=UserRole.HR)
    ana = await make_person(db, "ana@a.com")
    async with db.transaction() as session:
        user = await session.get_one(User, hr.id)
        await rules.update_rule(session, user, PointAction.PAIN_POINT_ACCEPTED, rules.RuleChange(daily_cap=8))
    first = await _award(db, awards.pain_point_accepted(new_id(), ana.id))
    second = await _award(db, awards.pain_point_accepted(new_id(), ana.id))
    assert (first.result, second.result) == (AwardResult.AWARDED, AwardResult.CAPPED)
    assert [d for _, d in await _entries(db, ana.id)] == [5, 3]


async def test_no_points_for_adopting_or_resolving_your_own_contribution(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    for request in (
        awards.pain_point_adopted(new_id(), ana.id, adopted_by=ana.id),
        awards.comment_resolved(new_id(), ana.id, resolved_by=ana.id),
        awards.order_won(new_id(), new_id(), ana.id, recorded_by=ana.id),
    ):
        assert (await _award(db, request)).result is AwardResult.SELF_DEALING
    assert await _entries(db, ana.id) == []


async def test_an_inactive_rule_awards_nothing(db: Database) -> None:
    hr = await make_person(db, "hr@a.com", role=UserRole.HR)
    ana = await make_person(db, "ana@a.com")
    async with db.transaction() as session:
        await rules.update_rule(
            session,
            await session.get_one(User, hr.id),
            PointAction.SNAPSHOT_NAMED,
            rules.RuleChange(active=False),
        )
    assert (await _award(db, awards.snapshot_named(new_id(), ana.id))).result is AwardResult.RULE_INACTIVE
    assert await _entries(db, ana.id) == []


async def test_order_won_is_awarded_once_per_pain_point_per_order(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    owner = await make_person(db, "owner@a.com")
    order_1, order_2, pain_1, pain_2 = new_id(), new_id(), new_id(), new_id()
    requests = [
        awards.order_won(order_1, pain_1, ana.id, owner.id),
        awards.order_won(order_1, pain_2, ana.id, owner.id),
        awards.order_won(order_2, pain_1, ana.id, owner.id),
    ]
    results = [(await _award(db, r)).result for r in requests + requests]
    assert results == [AwardResult.AWARDED] * 3 + [AwardResult.DUPLICATE] * 3
    assert await _balance(db, ana.id) == 90


async def test_voiding_a_pain_point_reverses_what_it_earned_and_refuses_later_awards(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    rd = await make_person(db, "rd@a.com", role=UserRole.RD)
    pain = new_id()
    await _award(db, awards.pain_point_accepted(pain, ana.id))
    await _award(db, awards.pain_point_adopted(pain, ana.id, rd.id))
    await _award(db, awards.pain_point_accepted(new_id(), ana.id))  # another pain point keeps its 5
    subject = awards.pain_point_subject(pain)
    async with db.transaction() as session:
        outcome = await voids.void(
            session, user_id=ana.id, subject=subject, reason="Rejected by R&D", actor_id=rd.id
        )
    assert outcome.newly_voided
    assert sorted(e.delta for e in outcome.reversals) == [-15, -5]
    assert await _balance(db, ana.id) == 5
    # A delayed job for the voided pain point arrives after the rejection: refused.
    late = await _award(db, awards.order_won(new_id(), pain, ana.id, rd.id))
    assert late.result is AwardResult.VOIDED
    async with db.transaction() as session:
        again = await voids.void(session, user_id=ana.id, subject=subject, reason="again", actor_id=rd.id)
    assert (again.newly_voided, again.reversals) == (False, [])
    async with db.sessions() as session:
        voided = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "points.subject_voided")
        )
        assert voided == 1
        assert await chain_intact(db)
        assert (await ledger.verify(session)).ok


async def test_voiding_after_the_points_were_spent_leaves_a_debt(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    rd = await make_person(db, "rd@a.com", role=UserRole.RD)
    pain = new_id()
    await _award(db, awards.pain_point_adopted(pain, ana.id, rd.id))
    async with db.transaction() as session:
        account = await ledger.lock_account(session, ana.id)
        await ledger.append(
            session, account, delta=-12, action=PointAction.REDEMPTION, subject="redemption:x", key="spend"
        )
    async with db.transaction() as session:
        outcome = await voids.void(
            session, user_id=ana.id, subject=awards.pain_point_subject(pain), reason="Deleted"
        )
    assert [e.delta for e in outcome.reversals] == [-15]
    assert await _balance(db, ana.id) == -12


async def test_an_award_for_an_unknown_person_is_refused(db: Database) -> None:
    with pytest.raises(NotFound):
        await _award(db, awards.pain_point_accepted(new_id(), new_id()))


async def test_job_arguments_round_trip() -> None:
    request = awards.order_won("o", "p", "u", "r")
    kwargs = request.job_kwargs()
    assert (
        AwardRequest.from_job(
            action=request.action.name, user_id="u", subject=request.subject, key=request.key, actor_id="r"
        )
        == request
    )
    assert kwargs == {
        "action": "ORDER_WON",
        "user_id": "u",
        "subject": "pain_point:p",
        "key": "ORDER_WON:order:o:pain_point:p",
        "actor_id": "r",
    }
    assert request.key == "ORDER_WON:order:o:pain_point:p"


async def test_a_dated_award_keeps_its_time_through_the_job() -> None:
    at = datetime(2026, 3, 10, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    request = awards.pain_point_accepted("p", "u", at=at)
    # Stored as the same moment in UTC, the zone caps count days in.
    assert request.at == datetime(2026, 3, 10, 1, 30, tzinfo=UTC)
    kwargs = request.job_kwargs()
    assert kwargs["at"] == "2026-03-10T01:30:00+00:00"
    assert AwardRequest.from_job(**kwargs) == request
    with pytest.raises(BadInput, match="needs its zone"):
        awards.pain_point_accepted("p", "u", at=datetime(2026, 3, 10, 9, 30))
    assert "at" not in awards.pain_point_accepted("p", "u").job_kwargs()
    for bad in ("yesterday", "2026-03-10T09:30:00", ""):
        with pytest.raises(BadInput, match="ISO 8601 time with its zone"):
            AwardRequest.from_job(**{**kwargs, "at": bad})


async def test_a_batch_decides_each_award_as_if_alone(db: Database) -> None:
    ana = await make_person(db, "ana@a.com")
    ben = await make_person(db, "ben@a.com")
    lead = await make_person(db, "lead@a.com")
    voided = new_id()
    async with db.transaction() as session:
        await voids.void(
            session, user_id=ana.id, subject=awards.pain_point_subject(voided), reason="Rejected"
        )
    adopted = awards.pain_point_adopted(new_id(), ben.id, lead.id)
    batch = [
        *(awards.comment_resolved(new_id(), ana.id, lead.id) for _ in range(6)),  # the sixth hits the cap
        adopted,
        adopted,  # the same award twice in one batch
        awards.pain_point_accepted(voided, ana.id),
        awards.pain_point_adopted(new_id(), lead.id, lead.id),
        awards.snapshot_named(new_id(), new_id()),  # nobody
    ]
    async with db.transaction() as session:
        outcomes = await awards.award_many(session, batch)
    assert [o.result for o in outcomes] == [
        *[AwardResult.AWARDED] * 5,
        AwardResult.CAPPED,
        AwardResult.AWARDED,
        AwardResult.DUPLICATE,
        AwardResult.VOIDED,
        AwardResult.SELF_DEALING,
        AwardResult.UNKNOWN_USER,
    ]
    assert outcomes[7].entry == outcomes[6].entry
    assert (await _balance(db, ana.id), await _balance(db, ben.id)) == (10, 15)
    async with db.sessions() as session:
        assert (await ledger.verify(session)).ok
