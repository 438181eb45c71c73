"""Deciding duplicates again: distinct pain points wrongly stored as DUPLICATE are restored and awarded once,
true rewordings stay duplicates, accepted ones are never demoted, and only the given model's vectors count.

The mechanism is shown with one real model, all-MiniLM-L6-v2, by submitting at a threshold too low for the
texts (0.52) and rechecking at one that separates them (0.85); the repair of MiniLM's own false Chinese
duplicates by the bilingual default is tests/domain/painpoints/test_jobs.py's.
"""

import dataclasses

import pytest
from sqlalchemy import func, select

from server.clustering.models import MINILM
from server.domain.painpoints import recheck as painpoint_recheck
from server.domain.painpoints import submit as painpoint_submit
from server.domain.painpoints.actions import SubmissionInput
from server.domain.painpoints.config import PainPointConfig
from server.infra.config import Settings
from server.infra.db import Database
from server.models import AuditEvent, PainPoint, PainPointStatus, PointEntry
from tests.support.audit import chain_intact
from tests.support.outbox import Followups
from tests.support.people import case_with, make_person, make_user

pytestmark = pytest.mark.model

S, D = PainPointStatus.SUBMITTED, PainPointStatus.DUPLICATE
TEXTS = [
    "退款一直没到账，客户已经等了两周",  # an original
    "仓库发货太慢，订单延迟一周以上",  # distinct (cosine .76 to the first)
    "退款一直没有到账，客户已经等了两周了",  # a rewording of the first (.89)
    "The invoice arrived two weeks after the delivery",  # an original
    "Delivery arrived two weeks late",  # distinct (.71 to the invoice)
    "Refund has not arrived after two weeks",  # an original (.49 to the invoice)
    "The refund still has not arrived after two weeks",  # a rewording of the refund (.92)
]
RESTORED = {1, 4}
LOW = PainPointConfig(model=MINILM, duplicate_threshold=0.52)
RIGHT = PainPointConfig(model=MINILM, duplicate_threshold=0.85)


async def _wrongly_decided(db: Database, settings: Settings) -> list[str]:
    """One case's pain points submitted at the low threshold; returns their ids in TEXTS order."""
    user = await make_user(db, "author@a.com")
    case_id = await case_with(db, user)
    jobs = Followups(db, settings)
    results = await painpoint_submit.submit(db, user, [SubmissionInput(case_id, text) for text in TEXTS], LOW)
    await jobs.drain()  # the originals' acceptance awards
    ids = [result.pain_point.id for result in results if result.pain_point is not None]
    assert [s for _, s in await _statuses(db, ids)] == [S, D, D, S, D, S, D]
    return ids


async def _statuses(db: Database, ids: list[str]) -> list[tuple[str | None, PainPointStatus]]:
    async with db.sessions() as session:
        rows = {p.id: p for p in (await session.execute(select(PainPoint))).scalars()}
    return [(rows[i].duplicate_of, rows[i].status) for i in ids]


async def _awards(db: Database) -> dict[str, int]:
    async with db.sessions() as session:
        rows = await session.execute(select(PointEntry.subject, func.count()).group_by(PointEntry.subject))
        return {subject.removeprefix("pain_point:"): int(count) for subject, count in rows.all()}


async def test_distinct_duplicates_are_restored_and_awarded_once(db: Database, settings: Settings) -> None:
    ids = await _wrongly_decided(db, settings)
    team_id = await _team(db, ids[0])
    assert set(await _awards(db)) == {ids[0], ids[3], ids[5]}

    report = await painpoint_recheck.recheck_duplicates(db, team_id, MINILM, RIGHT)
    assert (report.checked, report.skipped) == (4, 0)
    assert set(report.restored) == {ids[i] for i in RESTORED}
    assert [entry.delta for entry in report.entries] == [5, 5]
    after = await _statuses(db, ids)
    assert [s for _, s in after] == [S, S, D, S, S, S, D]
    assert after[2][0] == ids[0]  # the Chinese rewording still points at its original
    assert after[6][0] == ids[5]  # and the English one
    assert await _awards(db) == {ids[i]: 1 for i in (0, 1, 3, 4, 5)}
    async with db.sessions() as session:
        restored_events = (
            (await session.execute(select(AuditEvent).where(AuditEvent.action == "pain_point.restored")))
            .scalars()
            .all()
        )
    assert await chain_intact(db)
    assert {event.subject for event in restored_events} == {ids[i] for i in RESTORED}
    assert {event.data["was_duplicate_of"] for event in restored_events} == {ids[0], ids[3]}

    again = await painpoint_recheck.recheck_duplicates(db, team_id, MINILM, RIGHT)
    assert (again.checked, again.restored, again.entries) == (2, [], [])
    assert await _statuses(db, ids) == after
    assert await _awards(db) == {ids[i]: 1 for i in (0, 1, 3, 4, 5)}


async def test_accepted_pain_points_are_never_made_duplicates(db: Database, settings: Settings) -> None:
    ids = await _wrongly_decided(db, settings)
    team_id = await _team(db, ids[0])
    before = await _awards(db)
    # A threshold so low that the originals repeat one another (the invoice and the refund, .49): they stay.
    report = await painpoint_recheck.recheck_duplicates(
        db, team_id, MINILM, dataclasses.replace(LOW, duplicate_threshold=0.3)
    )
    assert (report.checked, report.restored) == (4, [])
    assert [s for _, s in await _statuses(db, ids)] == [S, D, D, S, D, S, D]
    assert await _awards(db) == before


async def test_only_vectors_of_the_given_model_are_compared(db: Database, settings: Settings) -> None:
    ids = await _wrongly_decided(db, settings)
    team_id = await _team(db, ids[0])
    report = await painpoint_recheck.recheck_duplicates(db, team_id, "a-model-with-no-vectors", RIGHT)
    assert (report.checked, report.skipped, report.restored) == (0, 4, [])
    assert [s for _, s in await _statuses(db, ids)] == [S, D, D, S, D, S, D]


async def test_teams_with_duplicates_lists_only_those(db: Database, settings: Settings) -> None:
    ids = await _wrongly_decided(db, settings)
    team_id = await _team(db, ids[0])
    await make_person(db, "other@b.com", team="Team B")
    async with db.sessions() as session:
        assert await painpoint_recheck.teams_with_duplicates(session) == [team_id]
    await painpoint_recheck.recheck_duplicates(
        db, team_id, MINILM, dataclasses.replace(RIGHT, duplicate_threshold=1.0)
    )
    async with db.sessions() as session:
        assert await painpoint_recheck.teams_with_duplicates(session) == []


async def _team(db: Database, pain_point_id: str) -> str:
    async with db.sessions() as session:
        pain_point = await session.get(PainPoint, pain_point_id)
    assert pain_point is not None
    assert pain_point.team_id is not None
    return pain_point.team_id
