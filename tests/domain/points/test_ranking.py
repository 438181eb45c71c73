from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from server.domain.errors import BadInput, Forbidden, NotFound
from server.domain.points import awards, ranking, voids
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import PointAction, PointEntry, UserRole
from tests.domain.points.helpers import credit, user


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("2026", datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ("2026-h2", datetime(2026, 7, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ("2026-Q4", datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
        ("2026-02", datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)),
        ("2026-12", datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)),
    ],
)
def test_periods(label: str, start: datetime, end: datetime) -> None:
    period = ranking.parse_period(label)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("label", ["", "26", "2026-13", "2026-Q5", "2026-H3", "2026-1", "1969", "last year"])
def test_bad_periods(label: str) -> None:
    with pytest.raises(BadInput):
        ranking.parse_period(label)


async def test_ranking_counts_earnings_net_of_reversals_in_the_period_only(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    rd = await user(db, "rd@a.com", role=UserRole.RD)
    ana = await user(db, "ana@a.com")
    ben = await user(db, "ben@a.com")
    cy = await user(db, "cy@a.com")
    zoe = await user(db, "zoe@b.com", team="Team B")
    kept, voided = new_id(), new_id()
    async with db.transaction() as session:
        for request in (
            awards.pain_point_accepted(kept, ana.id),
            awards.pain_point_adopted(kept, ana.id, rd.id),
            awards.pain_point_accepted(voided, ana.id),
            awards.pain_point_adopted(new_id(), ben.id, rd.id),
            awards.pain_point_accepted(new_id(), ben.id),
            awards.snapshot_named(new_id(), cy.id),
            awards.pain_point_accepted(new_id(), zoe.id),
        ):
            await awards.award(session, request)
    async with db.transaction() as session:
        await voids.void(
            session, user_id=ana.id, subject=awards.pain_point_subject(voided), reason="Rejected"
        )
    await credit(db, cy.id, 500, "hr-bonus")  # adjustments are not contributions
    old = new_id()
    async with db.transaction() as session:
        await awards.award(session, awards.pain_point_adopted(old, cy.id, rd.id))
        await session.execute(
            update(PointEntry)
            .where(PointEntry.idempotency_key == f"PAIN_POINT_ADOPTED:pain_point:{old}")
            .values(created_at=datetime(2020, 5, 1, tzinfo=UTC))
        )
    year = str(datetime.now(UTC).year)
    async with db.sessions() as session:
        report = await ranking.contribution_ranking(session, hr, period=year)
    rows = [(r.rank, r.user.email, r.points, r.awards) for r in report.rows]
    assert rows == [(1, "ana@a.com", 20, 3), (1, "ben@a.com", 20, 2), (3, "cy@a.com", 1, 1)]
    assert report.rows[0].by_action == {
        PointAction.PAIN_POINT_ACCEPTED: 5,
        PointAction.PAIN_POINT_ADOPTED: 15,
    }
    async with db.sessions() as session:
        past = await ranking.contribution_ranking(session, hr, period="2020-05")
        assert [(r.user.email, r.points) for r in past.rows] == [("cy@a.com", 15)]
        top = await ranking.contribution_ranking(session, hr, period=year, first=1)
        assert len(top.rows) == 1


async def test_only_hr_reads_the_ranking_and_only_of_their_team(db: Database) -> None:
    hr = await user(db, "hr@a.com", role=UserRole.HR)
    admin = await user(db, "admin@a.com", role=UserRole.ADMIN)
    ana = await user(db, "ana@a.com")
    zoe = await user(db, "zoe@b.com", team="Team B")
    assert zoe.team_id is not None
    async with db.sessions() as session:
        with pytest.raises(Forbidden):
            await ranking.contribution_ranking(session, ana, period="2026")
        # Another team answers exactly like a team that does not exist.
        with pytest.raises(NotFound, match="No team with id"):
            await ranking.contribution_ranking(session, hr, period="2026", team_id=zoe.team_id)
        with pytest.raises(NotFound, match="No team with id"):
            await ranking.contribution_ranking(session, hr, period="2026", team_id=new_id())
        with pytest.raises(NotFound, match="No team with id"):
            await ranking.contribution_ranking(session, admin, period="2026", team_id=zoe.team_id)
        own = await ranking.contribution_ranking(session, admin, period="2026", team_id=admin.team_id)
        assert own.team_id == admin.team_id
