"""The heatmap job: idempotent, one run per case per window, in-process and under a real arq worker."""

import asyncio
import os
import sys
import uuid
from pathlib import Path

from arq import create_pool
from arq.connections import RedisSettings
from sqlalchemy import select

from server.domain.heatmaps.jobs import refresh_heatmaps
from server.domain.heatmaps.refresh import JOB, ActivityDebouncer, offset_of, schedule
from server.domain.job_registry import REGISTRY
from server.infra.config import Settings
from server.infra.db import Database, create_engine
from server.infra.job_context import JobContext
from server.infra.job_queues import ArqJobs, InProcessJobs
from server.models import HeatmapEditDay, HeatmapState
from tests.heatmaps._authors import Hub
from tests.support.doc_log import make_case, store
from tests.support.people import make_person
from tests.support.services import REDIS_URL, require_redis

ROOT = Path(__file__).resolve().parents[3]


async def _case(db: Database) -> tuple[str, Hub]:
    ann = await make_person(db, "ann@a.com")
    case_id = await make_case(db, ann)
    hub = Hub()
    writer = hub.author(ann.id, 5)
    writer.add_block(0, "heading", "Plan", level="2")
    writer.add_block(1, "paragraph", "ship it")
    writer.type(1, 7, " soon")
    return case_id, hub


async def _state(db: Database, case_id: str) -> tuple[int, int] | None:
    async with db.sessions() as session:
        row = (
            await session.execute(
                select(HeatmapState.version, HeatmapState.updates_read).where(HeatmapState.case_id == case_id)
            )
        ).one_or_none()
    return None if row is None else (row.version, row.updates_read)


async def _chars(db: Database, case_id: str) -> int:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(HeatmapEditDay.chars_inserted).where(HeatmapEditDay.case_id == case_id)
        )
        return sum(rows)


async def test_the_job_run_twice_counts_once(db: Database, settings: Settings) -> None:
    case_id, hub = await _case(db)
    await store(db, case_id, hub.log)
    jobs = InProcessJobs(REGISTRY, db, settings)
    ctx: JobContext = {"db": db, "settings": settings, "jobs": jobs, "job_id": "x", "job_try": 1}

    first = await refresh_heatmaps(ctx, case_id=case_id)
    second = await refresh_heatmaps(ctx, case_id=case_id)

    assert (first["stored"], first["updates_read"]) == (True, 3)
    assert (second["stored"], second["updates_read"]) == (False, 0)
    assert await _state(db, case_id) == (1, 3)
    assert await _chars(db, case_id) == len("Plan") + len("ship it soon")
    await jobs.close()


async def test_activity_within_a_window_runs_the_job_once_after_the_window(
    db: Database, settings: Settings
) -> None:
    case_id, hub = await _case(db)
    jobs = InProcessJobs(REGISTRY, db, settings)
    # Just after the start of one of the case's windows (each case's windows have their own offset).
    now = [1_000_000.02 + offset_of(case_id, 1.0)]
    # Two servers' listeners, one queue: what arq's job ids do across processes.
    servers = [ActivityDebouncer(jobs, 1.0, clock=lambda: now[0]) for _ in range(2)]
    for entry in hub.log:
        await store(db, case_id, [entry])
        for listener in servers:
            for _ in range(5):
                listener(case_id, entry.author_id)
    assert await _state(db, case_id) is None, "the job waits for the end of the window"

    await jobs.drain()
    assert await _state(db, case_id) == (1, 3)

    writer = hub.authors[next(iter(hub.authors))]
    writer.type(1, 0, "Please ")
    await store(db, case_id, hub.log[3:])
    now[0] += 1.0
    servers[0](case_id, None)
    await jobs.drain()
    assert await _state(db, case_id) == (2, 4)
    assert await _chars(db, case_id) == len("Plan") + len("Please ship it soon")


async def test_an_arq_worker_runs_the_deferred_job_once_for_two_servers(
    postgres_url: str, tmp_path: Path
) -> None:
    require_redis()
    db = Database(create_engine(postgres_url))
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    queue = f"{prefix}:queue"
    env = {**os.environ, "WARROOM_DATABASE_URL": postgres_url, "WARROOM_REDIS_URL": REDIS_URL,
           "WARROOM_REDIS_PREFIX": prefix}  # fmt: skip
    servers = [await ArqJobs.connect(REDIS_URL, queue) for _ in range(2)]
    inspector = await create_pool(RedisSettings.from_dsn(REDIS_URL), default_queue_name=queue)
    log = (tmp_path / "worker.log").open("wb")
    worker = None
    try:
        case_id, hub = await _case(db)
        await store(db, case_id, hub.log)
        now = 2_000_000.1 + offset_of(case_id, 1.5)  # early in one of the case's 1.5 s windows
        for jobs in servers:
            schedule(jobs, case_id, 1.5, now=now)
            schedule(jobs, case_id, 1.5, now=now + 0.5)
        await asyncio.gather(*(jobs.close() for jobs in servers))
        queued = await inspector.queued_jobs(queue_name=queue)
        assert [(job.function, job.kwargs) for job in queued] == [(JOB, {"case_id": case_id})]

        worker = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "server", "worker", cwd=ROOT, env=env, stdout=log, stderr=log
        )
        async with asyncio.timeout(30):
            while await _state(db, case_id) is None:
                assert worker.returncode is None, (tmp_path / "worker.log").read_text()
                await asyncio.sleep(0.2)
        assert await _state(db, case_id) == (1, 3)
    finally:
        if worker is not None:
            worker.terminate()
            await worker.wait()
        await inspector.aclose()
        log.close()
        await db.dispose()


async def test_closing_the_in_process_queue_runs_deferred_jobs_at_once(
    db: Database, settings: Settings
) -> None:
    # A server shutting down does not sit out the delay, nor drop the run.
    case_id, hub = await _case(db)
    await store(db, case_id, hub.log)
    jobs = InProcessJobs(REGISTRY, db, settings)
    schedule(jobs, case_id, 600.0)
    await asyncio.sleep(0.05)
    assert await _state(db, case_id) is None

    async with asyncio.timeout(10):
        await jobs.close()
    assert await _state(db, case_id) == (1, 3)


async def test_in_process_maintenance_jobs_take_turns(db: Database, settings: Settings) -> None:
    owner = await make_person(db, "owner@a.com")
    cases = []
    for i in range(4):
        case_id = await make_case(db, owner, title=f"Case {i}")
        hub = Hub()
        hub.author(owner.id, 5 + i).add_block(0, "paragraph", f"case {i}")
        await store(db, case_id, hub.log)
        cases.append(case_id)
    jobs = InProcessJobs(REGISTRY, db, settings)
    for case_id in cases:
        jobs.enqueue_soon(JOB, job_id=f"heatmaps-{case_id}", case_id=case_id)
        jobs.enqueue_soon("compact_document", job_id=f"compact-{case_id}", case_id=case_id)
    drained = asyncio.ensure_future(jobs.drain())
    seen: set[int] = set()
    while not drained.done():
        seen.add(jobs.maintenance_running)
        await asyncio.sleep(0)
    assert seen == {0, 1}, "one at a time"
    for case_id in cases:
        assert await _state(db, case_id) is not None, "every job ran"
    await jobs.close()
