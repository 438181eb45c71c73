"""Value points on PostgreSQL: awards per second through the job path, redemptions per second under
contention, and zero overdrafts at the end.

Run: `flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/points.py [--awards N] [--people N]`

Awards: N `award_points` jobs (a quarter of them enqueued twice under another job id, as arq retries
would) run by the in-process job runner against a fresh, migrated database; the clock covers enqueue to
the last commit. Redemptions: every person holds enough points for a few redemptions and many more are
attempted at once against rewards with little stock, so balance rows and reward rows are both contended.
At the end the ledger is verified (every chain, every running balance, every cached balance = sum of
entries), and no balance, running balance or stock may be negative.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import _args
from _postgres import admin
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.domain import users
from server.domain.errors import DomainError
from server.domain.job_registry import REGISTRY
from server.domain.points import awards, ledger, redemptions, rewards
from server.domain.points.rewards import NewReward
from server.infra import migrate
from server.infra.config import Settings
from server.infra.db import Database, create_engine
from server.infra.events import EventBus
from server.infra.ids import new_id
from server.infra.job_queues import InProcessJobs
from server.infra.pubsub import LocalPubSub
from server.models import PointBalance, PointEntry, Redemption, Reward, RewardKind, User, UserRole

REDIS = os.environ.get("WARROOM_BENCH_REDIS", "redis://127.0.0.1:6379/0")
PG = os.environ.get("WARROOM_BENCH_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432")


async def _people(db: Database, count: int) -> tuple[User, User, list[User]]:
    async with db.transaction() as session:
        team = await users.get_or_create_team(session, "Bench")
        hr = await users.create_user(
            session, email="hr@bench.test", name="HR", role=UserRole.HR, password="x" * 12, team=team
        )
        rd = await users.create_user(
            session, email="rd@bench.test", name="RD", role=UserRole.RD, password="x" * 12, team=team
        )
        people = [
            await users.create_user(
                session,
                email=f"p{i}@bench.test",
                name=f"P{i}",
                role=UserRole.MEMBER,
                password="x" * 12,
                team=team,
            )
            for i in range(count)
        ]
    return hr, rd, people


async def _awards(db: Database, settings: Settings, rd: User, people: list[User], count: int) -> float:
    rng = random.Random(1)
    jobs = InProcessJobs(REGISTRY, db, settings, EventBus(LocalPubSub()))
    requests = [awards.pain_point_adopted(new_id(), rng.choice(people).id, rd.id) for _ in range(count)]
    started = time.perf_counter()
    for i, request in enumerate(requests):
        # the job path alone: queued as the outbox dispatcher hands awards over
        await jobs.enqueue(awards.AWARD_JOB, job_id=f"points:{request.key}", **request.job_kwargs())
        if i % 4 == 0:  # a retried delivery of the same award
            await jobs.enqueue(awards.AWARD_JOB, job_id=f"retry-{i}", **request.job_kwargs())
    await jobs.drain()
    elapsed = time.perf_counter() - started
    async with db.sessions() as session:
        written = await session.scalar(select(func.count()).select_from(PointEntry))
    assert written == count, f"{written} entries for {count} distinct awards"
    return elapsed


async def _awards_arq(
    db: Database, settings: Settings, rd: User, people: list[User], count: int
) -> tuple[float, float]:
    """The same awards through Redis: enqueued with arq, drained by an arq worker in this process."""
    from arq import create_pool
    from arq.connections import RedisSettings
    from arq.worker import Worker

    from server.domain.job_registry import FUNCTIONS

    rng = random.Random(3)
    queue = f"bench-points-{uuid.uuid4().hex[:8]}"
    pool = await create_pool(RedisSettings.from_dsn(REDIS), default_queue_name=queue)
    try:
        requests = [awards.pain_point_adopted(new_id(), rng.choice(people).id, rd.id) for _ in range(count)]
        started = time.perf_counter()
        for request in requests:
            await pool.enqueue_job(awards.AWARD_JOB, _job_id=f"{queue}:{request.key}", **request.job_kwargs())
        enqueued = time.perf_counter() - started
        functions: list[Any] = list(FUNCTIONS.values())
        worker = Worker(
            functions=functions,
            queue_name=queue,
            redis_pool=pool,
            burst=True,
            handle_signals=False,
            max_jobs=200,
            poll_delay=0.01,
            keep_result=0,
            ctx={"db": db, "settings": settings, "events": None, "shared": {}},
        )
        started = time.perf_counter()
        await worker.main()
        drained = time.perf_counter() - started
        assert worker.jobs_failed == 0
    finally:
        keys = [key async for key in pool.scan_iter(match=f"*{queue}*")]
        if keys:
            await pool.delete(*keys)
        await pool.aclose()
    return enqueued, drained


async def _redemptions(
    db: Database, hr: User, people: list[User], attempts: int, concurrency: int
) -> tuple[float, int, int, dict[str, int]]:
    async with db.transaction() as session:
        catalogue = [
            await rewards.create_reward(
                session, hr, NewReward(f"Reward {i}", RewardKind.TRAINING, 10, stock=stock)
            )
            for i, stock in enumerate([25, 50, None])
        ]
    rng = random.Random(2)
    plan = [(rng.choice(people), rng.choice(catalogue).id) for _ in range(attempts)]
    gate = asyncio.Semaphore(concurrency)
    errors: dict[str, int] = {}

    latencies: list[float] = []

    async def attempt(who: User, reward_id: str) -> bool:
        async with gate:
            began = time.perf_counter()
            try:
                async with db.transaction() as session:
                    await redemptions.redeem(session, who, reward_id=reward_id)
            except DomainError as error:
                errors[error.code] = errors.get(error.code, 0) + 1
                return False
            finally:
                latencies.append(time.perf_counter() - began)
            return True

    started = time.perf_counter()
    done = await asyncio.gather(*(attempt(who, reward_id) for who, reward_id in plan))
    elapsed = time.perf_counter() - started
    latencies.sort()
    async with db.sessions() as session:
        stocks = {r.id: r.stock for r in (await session.scalars(select(Reward))).all()}
        rows = await session.scalar(select(func.count()).select_from(Redemption))
    assert rows == sum(done)
    assert all((stocks[r.id] or 0) >= 0 for r in catalogue)
    errors["p50 ms"] = round(latencies[len(latencies) // 2] * 1000)
    errors["p99 ms"] = round(latencies[int(len(latencies) * 0.99)] * 1000)
    return elapsed, sum(done), len(done) - sum(done), errors


async def _overdrafts(db: Database) -> tuple[int, ledger.LedgerReport]:
    async with db.sessions() as session:
        negative_balances = await session.scalar(
            select(func.count()).select_from(PointBalance).where(PointBalance.balance < 0)
        )
        negative_running = await session.scalar(
            select(func.count()).select_from(PointEntry).where(PointEntry.balance_after < 0)
        )
        negative_stock = await session.scalar(
            select(func.count()).select_from(Reward).where(Reward.stock < 0)
        )
        report = await ledger.verify(session)
    return (negative_balances or 0) + (negative_running or 0) + (negative_stock or 0), report


async def main(args: argparse.Namespace) -> int:
    name = f"wr_bench_points_{uuid.uuid4().hex[:8]}"
    url = f"{PG}/{name}"
    await admin(f'CREATE DATABASE "{name}"')
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(create_engine(url, pool_size=args.pool))
        settings = Settings.from_env({"WARROOM_DATABASE_URL": url, "WARROOM_JOBS": "inprocess"})
        try:
            hr, rd, people = await _people(db, args.people)
            print(f"PostgreSQL, pool {args.pool}+{args.pool}, {args.people} people")
            elapsed = await _awards(db, settings, rd, people, args.awards)
            jobs_run = args.awards + (args.awards + 3) // 4
            print(
                f"awards via award_points jobs (in-process runner): {args.awards} distinct "
                f"(+{jobs_run - args.awards} retried deliveries) in {elapsed:.2f} s = "
                f"{args.awards / elapsed:,.0f} awards/s ({jobs_run / elapsed:,.0f} jobs/s); one entry per key"
            )
            if args.arq:
                enqueued, drained = await _awards_arq(db, settings, rd, people, args.awards)
                print(
                    f"awards via award_points jobs (arq over Redis, one worker process): {args.awards} "
                    f"enqueued one by one in {enqueued:.2f} s ({args.awards / enqueued:,.0f}/s), "
                    f"run in {drained:.2f} s = {args.awards / drained:,.0f} awards/s"
                )
            attempts, concurrency = args.redemptions, args.concurrency
            elapsed, ok, refused, errors = await _redemptions(db, hr, people, attempts, concurrency)
            print(
                f"redemptions: {attempts} attempts, {concurrency} at a time, in {elapsed:.2f} s = "
                f"{attempts / elapsed:,.0f} attempts/s, {ok / elapsed:,.0f} succeeded/s "
                f"({ok} succeeded, {refused} refused: {errors})"
            )
            overdrafts, report = await _overdrafts(db)
            problem = f", {report.reason}" if report.reason else ""
            print(
                f"overdrafts: {overdrafts}; ledger verified: {report.ok} "
                f"({report.entries} entries, {report.accounts} accounts{problem})"
            )
            return 0 if overdrafts == 0 and report.ok else 1
        finally:
            await db.dispose()
    finally:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    parser = _args.parser(__doc__)
    parser.add_argument("--awards", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--redemptions", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=100, help="redemption attempts in flight")
    parser.add_argument("--pool", type=int, default=10, help="connection pool size (doubled by overflow)")
    parser.add_argument("--arq", action="store_true", help="also run the awards through Redis and arq")
    raise SystemExit(asyncio.run(main(parser.parse_args())))
