import pytest
from sqlalchemy import select

from server.domain.errors import BadInput, Conflict, Forbidden, InsufficientPoints, NotFound
from server.domain.points import adjustments
from server.infra.db import Database
from server.models import AuditEvent, PointAction, UserRole
from tests.domain.points.helpers import balance, user


async def test_hr_adjusts_a_teammate_with_a_reason_and_it_is_audited(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    async with db.transaction() as session:
        done = await adjustments.adjust(session, hr, user_id=ana.id, delta=20, reason="  Workshop   host ")
    entry = done.entry
    assert entry is not None
    assert done.request is None
    assert (entry.delta, entry.action, entry.note, entry.actor_id) == (
        20,
        PointAction.ADJUSTMENT,
        "Workshop host",
        hr.id,
    )
    async with db.transaction() as session:
        await adjustments.adjust(session, hr, user_id=ana.id, delta=-5, reason="Typo")
    assert await balance(db, ana.id) == 15
    async with db.sessions() as session:
        audited = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "points.adjusted"))
        ).all()
    assert [(e.subject, e.data["delta"], e.data["balance"]) for e in audited] == [
        (ana.id, 20, 20),
        (ana.id, -5, 15),
    ]


async def test_an_adjustment_never_takes_a_balance_below_zero(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    async with db.transaction() as session:
        with pytest.raises(InsufficientPoints):
            await adjustments.adjust(session, hr, user_id=ana.id, delta=-1, reason="Oops")


async def test_the_same_idempotency_key_adjusts_once(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    for _ in range(2):
        async with db.transaction() as session:
            entry = (
                await adjustments.adjust(
                    session, hr, user_id=ana.id, delta=7, reason="Bonus", idempotency_key="req-1"
                )
            ).entry
    assert await balance(db, ana.id) == 7
    async with db.transaction() as session:
        with pytest.raises(Conflict):
            await adjustments.adjust(
                session, hr, user_id=ana.id, delta=8, reason="Bonus", idempotency_key="req-1"
            )
    assert entry is not None
    assert entry.key == f"ADJUSTMENT:{hr.id}:req-1"


async def test_who_may_adjust_whom(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    ana = await user(db, "ana@a.com")
    stranger = await user(db, "zoe@b.com", team="Team B")
    cases: list[tuple[object, dict[str, object], type[Exception]]] = [
        (ana, {"user_id": hr.id, "delta": 5, "reason": "x"}, Forbidden),  # members cannot
        (hr, {"user_id": hr.id, "delta": 5, "reason": "x"}, Forbidden),  # not yourself
        (hr, {"user_id": stranger.id, "delta": 5, "reason": "x"}, NotFound),  # same team only
        (hr, {"user_id": "nope", "delta": 5, "reason": "x"}, NotFound),
        (hr, {"user_id": ana.id, "delta": 0, "reason": "x"}, BadInput),
        (hr, {"user_id": ana.id, "delta": 100_001, "reason": "x"}, BadInput),
        (hr, {"user_id": ana.id, "delta": 5, "reason": "   "}, BadInput),
    ]
    for actor, kwargs, error in cases:
        async with db.transaction() as session:
            with pytest.raises(error):
                await adjustments.adjust(session, actor, **kwargs)  # type: ignore[arg-type]
