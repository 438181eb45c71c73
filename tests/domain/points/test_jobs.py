"""The points jobs: however often and however concurrently an award job runs, it writes one entry."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Worker
from sqlalchemy import func, select

from server.domain.job_registry import FUNCTIONS
from server.domain.points import awards, ledger, voids
from server.domain.points.jobs import award_points, void_points
from server.infra.config import Settings
from server.infra.db import Database, create_engine
from server.infra.events import EventBus
from server.infra.ids import new_id
from server.infra.job_context import JobContext
from server.infra.pubsub import LocalPubSub
from server.models import PointEntry, UserRole
from tests.support.outbox import Followups
from tests.support.people import make_person
from tests.support.services import REDIS_URL, require_redis


def _ctx(db: Database, settings: Settings, events: EventBus | None = None) -> JobContext:
    return {"db": db, "settings": settings, "jobs": None, "events": events, "job_id": "", "job_try": 1}


async def _count(db: Database, user_id: str) -> tuple[int, int]:
    async with db.sessions() as session:
        entries = await session.scalar(select(func.count()).where(PointEntry.user_id == user_id))
        return entries or 0, await ledger.balance_of(session, user_id)


def test_the_job_names_the_domain_uses_are_registered() -> None:
    assert FUNCTIONS[awards.AWARD_JOB] is award_points
    assert FUNCTIONS[voids.VOID_JOB] is void_points


async def test_an_award_job_run_twice_writes_one_entry(db: Database, settings: Settings) -> None:
    ana = await make_person(db, "ana@a.com")
    request = awards.pain_point_accepted(new_id(), ana.id)
    first = await award_points(_ctx(db, settings), **request.job_kwargs())
    second = await award_points(_ctx(db, settings), **request.job_kwargs())
    assert (first, second) == ("awarded", "duplicate")
    assert await _count(db, ana.id) == (1, 5)


async def test_concurrent_runs_of_one_award_job_write_one_entry(db: Database, settings: Settings) -> None:
    ana = await make_person(db, "ana@a.com")
    rd = await make_person(db, "rd@a.com", role=UserRole.RD)
    request = awards.pain_point_adopted(new_id(), ana.id, rd.id)
    results = await asyncio.gather(
        *(award_points(_ctx(db, settings), **request.job_kwargs()) for _ in range(25))
    )
    assert sorted(results) == ["awarded"] + ["duplicate"] * 24
    assert await _count(db, ana.id) == (1, 15)


async def test_in_process_queue_runs_awards_and_tells_subscribers(db: Database, settings: Settings) -> None:
    ana = await make_person(db, "ana@a.com")
    bus = EventBus(LocalPubSub())
    jobs = Followups(db, settings, bus)
    request = awards.snapshot_named(new_id(), ana.id)
    async with bus.subscribe(f"points:{ana.id}") as stream:
        async with db.transaction() as session:
            awards.queue_award(session, request)
        # A second enqueue under another job id stands for an arq retry of a job that already committed.
        await jobs.enqueue(awards.AWARD_JOB, job_id="retry", **request.job_kwargs())
        await jobs.drain()
        event = await asyncio.wait_for(anext(stream), 5)
    assert event["kind"] == "ENTRY"
    assert await _count(db, ana.id) == (1, 1)


async def test_void_job_reverses_once(db: Database, settings: Settings) -> None:
    ana = await make_person(db, "ana@a.com")
    pain = new_id()
    await award_points(_ctx(db, settings), **awards.pain_point_accepted(pain, ana.id).job_kwargs())
    subject = awards.pain_point_subject(pain)
    runs = await asyncio.gather(
        *(
            void_points(_ctx(db, settings), user_id=ana.id, subject=subject, reason="Rejected")
            for _ in range(5)
        )
    )
    assert sorted(runs) == [0, 0, 0, 0, 1]
    assert await _count(db, ana.id) == (2, 0)


@pytest.fixture
async def arq_queue() -> AsyncIterator[tuple[ArqRedis, str]]:
    require_redis()
    queue = f"test-points-{uuid.uuid4().hex[:8]}"
    pool = await create_pool(RedisSettings.from_dsn(REDIS_URL), default_queue_name=queue)
    yield pool, queue
    keys = [key async for key in pool.scan_iter(match=f"*{queue}*")]
    if keys:
        await pool.delete(*keys)
    await pool.aclose()


async def test_arq_worker_runs_a_retried_award_once_on_postgres(
    postgres_url: str, arq_queue: tuple[ArqRedis, str]
) -> None:
    pool, queue = arq_queue
    db = Database(create_engine(postgres_url))
    try:
        ana = await make_person(db, "ana@a.com")
        request = awards.pain_point_accepted(new_id(), ana.id)
        # The same award queued under three job ids: what arq sees when a producer retries an enqueue.
        for n in range(3):
            await pool.enqueue_job(awards.AWARD_JOB, _job_id=f"{queue}-{n}", **request.job_kwargs())
        settings = Settings.from_env({"WARROOM_DATABASE_URL": postgres_url})
        functions: list[Any] = list(FUNCTIONS.values())
        worker = Worker(
            functions=functions,
            queue_name=queue,
            redis_pool=pool,
            burst=True,
            handle_signals=False,
            ctx={"db": db, "settings": settings, "events": None},
            max_jobs=3,
            poll_delay=0.05,
        )
        # Not worker.close(): it closes the pool with a call redis-py deprecates; the fixture closes it.
        await worker.main()
        assert (worker.jobs_complete, worker.jobs_failed) == (3, 0)
        assert await _count(db, ana.id) == (1, 5)
    finally:
        await db.dispose()


async def test_concurrent_award_jobs_share_commits_and_a_bad_one_fails_alone(
    db: Database, settings: Settings
) -> None:
    # 15 people: 4 adoptions each is the default daily cap of 60 points, so none is capped.
    people = [await make_person(db, f"p{i}@a.com") for i in range(15)]
    rd = await make_person(db, "rd@a.com", role=UserRole.RD)
    ctx = _ctx(db, settings)
    ctx["shared"] = {}
    requests = [awards.pain_point_adopted(new_id(), people[i % 15].id, rd.id) for i in range(60)]
    doomed = awards.pain_point_adopted(new_id(), new_id(), rd.id)  # nobody: its job must fail, alone
    runs = [award_points(ctx, **r.job_kwargs()) for r in [*requests, *requests[:10], doomed]]
    results = await asyncio.gather(*runs, return_exceptions=True)
    assert sorted(r for r in results if isinstance(r, str)) == ["awarded"] * 60 + ["duplicate"] * 10
    assert [type(r).__name__ for r in results if not isinstance(r, str)] == ["NotFound"]
    assert sum([(await _count(db, p.id))[1] for p in people]) == 60 * 15
    batcher = ctx["shared"]["points.award_batcher"]
    assert batcher.commits < 20  # 70 good jobs, a few transactions
