"""Asking for a re-clustering: one queued or running per team, and people of a team at most every interval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from server.domain.clusters import runs as cluster_runs
from server.domain.errors import RateLimited
from server.infra.config import Settings
from server.infra.db import Database
from server.models import Job, JobStatus, UserRole
from server.models.base import utcnow
from tests.support.people import make_user

INTERVAL = timedelta(minutes=10)


async def _finish(db: Database, job_id: str, ago: timedelta = timedelta(0)) -> None:
    async with db.transaction() as session:
        values = {"status": JobStatus.SUCCEEDED, "created_at": utcnow() - ago}
        await session.execute(update(Job).where(Job.id == job_id).values(**values))


async def test_one_run_per_team_and_a_minimum_interval_between_requests(db: Database) -> None:
    rita = await make_user(db, "rita@a.com", role=UserRole.RD, name="丽塔")
    mate = await make_user(db, "mate@a.com")
    other = await make_user(db, "other@b.com", role=UserRole.RD, team="Team B")
    async with db.transaction() as session:
        first, created = await cluster_runs.request(session, rita, None, interval=INTERVAL)
    assert created
    async with db.transaction() as session:
        again, created = await cluster_runs.request(session, mate, None, interval=INTERVAL)
    assert (again.id, created) == (first.id, False)  # the queued one is shared, not refused
    await _finish(db, first.id)
    with pytest.raises(RateLimited, match="re-clustered recently; ask again in 10 minutes") as refused:
        async with db.transaction() as session:
            await cluster_runs.request(session, mate, None, interval=INTERVAL)
    assert refused.value.code == "RATE_LIMITED"
    assert 590 < refused.value.retry_after <= 600
    async with db.transaction() as session:
        _, created = await cluster_runs.request(session, other, None, interval=INTERVAL)  # another team
    assert created
    await _finish(db, first.id, ago=INTERVAL + timedelta(seconds=1))
    async with db.transaction() as session:
        _, created = await cluster_runs.request(session, rita, None, interval=INTERVAL)
    assert created


async def test_no_interval_means_no_limit(db: Database) -> None:
    rita = await make_user(db, "rita@a.com", role=UserRole.RD)
    async with db.transaction() as session:
        first, _ = await cluster_runs.request(session, rita, None)
    await _finish(db, first.id)
    async with db.transaction() as session:
        _, created = await cluster_runs.request(session, rita, None)
    assert created


def test_the_interval_setting() -> None:
    assert cluster_runs.min_interval(Settings()) == timedelta(minutes=10)
    assert cluster_runs.min_interval(
        Settings(extra={"WARROOM_RECLUSTER_MIN_INTERVAL_SECONDS": "0"})
    ) == timedelta(0)
