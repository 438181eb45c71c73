"""Follow-ups survive crashes: real server processes killed, a real Redis stopped, a dispatcher dying
mid-batch. Each test first makes the fault happen for certain (a lock holds the follow-up, Redis is shut
down, the batch is half delivered), then checks that what was committed arrives once, and only once.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from server.domain.job_registry import REGISTRY
from server.domain.points import adjustments
from server.infra.config import Settings
from server.infra.db import Database, create_engine
from server.infra.events import EventBus
from server.infra.job_queues import InProcessJobs
from server.infra.outbox import Dispatcher
from server.infra.pubsub import RedisPubSub
from server.models import OutboxMessage, PainPoint, PainPointStatus, PointAction, PointEntry, User, UserRole
from tests.support.gqlws import subscribe
from tests.support.graphql import GraphQL
from tests.support.people import case_with, make_person, make_user
from tests.support.servers import ROOT, ServerProcess, free_port
from tests.support.services import REDIS_URL, require_postgres, require_redis

pytestmark = [pytest.mark.postgres]

ADOPT = "mutation($id: ID!) { adoptPainPoint(id: $id) { id status } }"
ADJUST = "mutation($u: ID!, $r: String!) { adjustPoints(userId: $u, delta: 1, reason: $r) { entry { id } } }"
EVENTS = "subscription { pointsEvents { kind entry { delta note } } }"


async def _pain_points(db: Database, author: User, case_id: str, n: int) -> list[str]:
    """Accepted pain points of `author` on the case (stored directly: adoption is what is tested)."""
    async with db.transaction() as session:
        rows = [
            PainPoint(
                case_id=case_id,
                team_id=author.team_id,
                author_id=author.id,
                text=f"Pain point {i}",
                normalized_text=f"pain point {i}",
                customer="ACME",
                status=PainPointStatus.SUBMITTED,
            )
            for i in range(n)
        ]
        session.add_all(rows)
    return [row.id for row in rows]


async def _adopted_awards(db: Database, user_id: str) -> int:
    async with db.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(PointEntry)
            .where(PointEntry.user_id == user_id, PointEntry.action == PointAction.PAIN_POINT_ADOPTED)
        )
    return int(count or 0)


async def _outbox_rows(db: Database) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def _until(check: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.2)


@asynccontextmanager
async def _graphql(server: ServerProcess) -> AsyncIterator[GraphQL]:
    async with httpx.AsyncClient(base_url=server.http_url, timeout=30) as client:
        yield GraphQL(client)


async def test_an_award_whose_server_was_killed_after_the_commit_arrives_once_after_the_restart(
    postgres_url: str, tmp_path: Path
) -> None:
    require_postgres()
    db = Database(create_engine(postgres_url))
    # The dead server's lease on its rows runs out before the restarted one takes them (10 s by default).
    env = {"WARROOM_JOBS": "inprocess", "WARROOM_OUTBOX_LEASE_SECONDS": "2"}
    author = await make_user(db, "ana@a.com")
    rd = await make_person(db, "rd@a.com", role=UserRole.RD)
    (pain_point,) = await _pain_points(db, author, await case_with(db, author), 1)
    server = await ServerProcess.start(postgres_url, tmp_path, env=env, name="first")
    try:
        async with _graphql(server) as api:
            token = await api.login(rd.email, rd.password)
            async with db.engine.connect() as blocker:
                # The ledger is held: the award the adoption queues waits on it, so the server dies after
                # the commit and before its follow-up ran.
                held = await blocker.begin()
                await blocker.execute(text("LOCK TABLE point_entries IN EXCLUSIVE MODE"))
                adopted = await api.data(ADOPT, {"id": pain_point}, token)
                assert adopted["adoptPainPoint"]["status"] == "ADOPTED"

                async def award_waits() -> bool:
                    async with db.engine.connect() as conn:
                        waiting = await conn.scalar(
                            text(
                                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO point_entries%'"
                            )
                        )
                    return bool(waiting)

                await _until(award_waits, 20, "the award job reaches the ledger")
                await server.kill()
                await held.rollback()
    finally:
        await server.kill()
    assert await _adopted_awards(db, author.id) == 0
    async with db.sessions() as session:
        left = [
            (row.kind.value, row.name) for row in (await session.execute(select(OutboxMessage))).scalars()
        ]
    # committed with the adoption, never run (beside it: the re-clustering the start-up queued for the team's
    # pain points without vectors)
    assert ("job", "award_points") in left, left

    restarted = await ServerProcess.start(postgres_url, tmp_path, env=env, name="second")
    try:

        async def delivered() -> bool:
            async with db.sessions() as session:
                awards = await session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.name == "award_points")
                )
            return awards == 0

        # The dead server's lease on the row runs out, then the new one delivers it.
        await _until(delivered, 40, "the restarted server delivers the award")
        assert await _adopted_awards(db, author.id) == 1
    finally:
        await restarted.stop()
        await db.dispose()


def _redis_server(port: int, directory: Path) -> subprocess.Popen[bytes]:
    """A Redis of this test's own (the shared one must stay up), persisting to `directory`."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    return subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--appendonly", "yes", "--save", "",
         "--dir", str(directory)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


async def _redis_up(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError(f"Redis did not start on port {port}")


async def test_awards_queued_while_redis_is_down_arrive_once_it_is_back(
    postgres_url: str, tmp_path: Path
) -> None:
    require_postgres()
    port = free_port()
    redis = _redis_server(port, tmp_path)
    await _redis_up(port)
    db = Database(create_engine(postgres_url))
    env = {
        "WARROOM_REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "WARROOM_REDIS_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        "WARROOM_JOBS": "arq",
    }
    author = await make_user(db, "ana@a.com")
    rd = await make_person(db, "rd@a.com", role=UserRole.RD)
    pain_points = await _pain_points(db, author, await case_with(db, author), 10)
    server = await ServerProcess.start(postgres_url, tmp_path, env=env)
    worker_log = (tmp_path / "worker.log").open("wb")
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server", "worker",
        cwd=ROOT, env={**os.environ, "WARROOM_DATABASE_URL": postgres_url, **env},
        stdout=worker_log, stderr=worker_log,
    )  # fmt: skip
    try:

        async def worker_polls() -> bool:
            found = subprocess.run(  # noqa: ASYNC221 - a millisecond's command
                ["redis-cli", "-p", str(port), "exists", f"{env['WARROOM_REDIS_PREFIX']}:queue:health-check"],
                check=False, capture_output=True, text=True,
            )  # fmt: skip
            return found.stdout.strip() == "1"

        await _until(worker_polls, 60, "the worker polls the queue")
        async with _graphql(server) as api:
            token = await api.login(rd.email, rd.password)
            for pain_point in pain_points[:5]:
                await api.data(ADOPT, {"id": pain_point}, token)

            async def first_awarded() -> bool:
                return await _adopted_awards(db, author.id) == 5

            # This Redis keeps nothing on disk: a job still waiting in its queue would go down with it, so
            # the first five run before it stops (what is tested is what commits while it is away).
            await _until(first_awarded, 60, "the first five awards")
            subprocess.run(  # noqa: ASYNC221 - a second's command
                ["redis-cli", "-p", str(port), "shutdown"], check=False, capture_output=True
            )
            down = time.monotonic()
            # Adoptions go on while Redis is away: each commits with its award in the outbox.
            for pain_point in pain_points[5:]:
                adopted = await api.data(ADOPT, {"id": pain_point}, token)
                assert adopted["adoptPainPoint"]["status"] == "ADOPTED"
            assert await _outbox_rows(db) >= 5
            await asyncio.sleep(max(0.0, 10 - (time.monotonic() - down)))
            redis.wait()
            redis = _redis_server(port, tmp_path)
            await _redis_up(port)

            async def all_awarded() -> bool:
                assert worker.returncode is None, (tmp_path / "worker.log").read_text()[-6000:]
                return await _adopted_awards(db, author.id) == 10

            await _until(all_awarded, 90, "every award once Redis is back")
            await _until(lambda: _outbox_rows_is(db, 0), 30, "the outbox is empty")
            assert await _adopted_awards(db, author.id) == 10
            assert worker.returncode is None, (tmp_path / "worker.log").read_text()
    finally:
        await server.stop()
        with suppress(ProcessLookupError):  # unless it has ended already
            worker.terminate()
        await asyncio.wait_for(worker.wait(), 15)
        worker_log.close()
        redis.terminate()
        redis.wait(15)
        await db.dispose()


async def _outbox_rows_is(db: Database, n: int) -> bool:
    return await _outbox_rows(db) == n


async def test_a_dispatcher_that_dies_mid_batch_neither_loses_nor_repeats_an_event(
    postgres_url: str, tmp_path: Path
) -> None:
    require_postgres()
    require_redis()
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    env = {"WARROOM_REDIS_URL": REDIS_URL, "WARROOM_REDIS_PREFIX": prefix, "WARROOM_JOBS": "inprocess"}
    # This process plays the dying one: the server takes its rows once their lease runs out (10 s by default).
    db = Database(create_engine(postgres_url), outbox_lease_seconds=2)
    hr = await make_person(db, "hr@a.com", role=UserRole.HR)
    ana = await make_person(db, "ana@a.com")
    server = await ServerProcess.start(postgres_url, tmp_path, env=env)
    pubsub = RedisPubSub(REDIS_URL, prefix)
    await pubsub.start()
    dying_pubsub = RedisPubSub(REDIS_URL, prefix)  # a process of its own: its frames reach `pubsub` too
    await dying_pubsub.start()
    on_the_wire: list[bytes] = []  # every frame published for ana's points, repeats included
    await pubsub.subscribe(f"events:points:{ana.id}", on_the_wire.append)
    try:
        async with _graphql(server) as api:
            hr_token = await api.login(hr.email, hr.password)
            ana_token = await api.login(ana.email, ana.password)
            async with subscribe(server.ws_url, EVENTS, token=ana_token) as events:
                # A probe through the server itself: once it arrives, the subscription listens.
                await api.data(ADJUST, {"u": ana.id, "r": "probe"}, hr_token)
                probe = (await events.next(timeout=10))["pointsEvents"]
                assert probe["entry"]["note"] == "probe"

                # A batch of ten entries committed in one transaction by this process, whose dispatcher
                # publishes the first half and dies before recording any of it as delivered.
                jobs = InProcessJobs(REGISTRY, db, Settings.from_env({"WARROOM_DATABASE_URL": postgres_url}))
                dying = Dispatcher(db, jobs, EventBus(dying_pubsub))
                db.committed.append(dying._committed)
                async with db.transaction() as session:
                    actor = await session.get_one(User, hr.id)
                    for i in range(10):
                        await adjustments.adjust(session, actor, user_id=ana.id, delta=1, reason=f"entry {i}")
                db.committed.remove(dying._committed)
                batch = dying._ready
                assert len(batch) == 10
                dying._deliver(batch[:5])

                notes = []
                for _ in range(10):
                    event = (await events.next(timeout=40))["pointsEvents"]
                    notes.append(event["entry"]["note"])
                assert notes == [f"entry {i}" for i in range(10)]
                # The server took the rows once the dead dispatcher's lease ran out, and delivered all ten.
                await _until(lambda: _outbox_rows_is(db, 0), 30, "the outbox is empty")
                await asyncio.sleep(1)
                assert len(on_the_wire) == 1 + 15  # the probe, half the batch twice, the other half once
                with pytest.raises(TimeoutError):
                    await events.next(timeout=1)
    finally:
        await dying_pubsub.stop()
        await pubsub.stop()
        await server.stop()
        await db.dispose()
