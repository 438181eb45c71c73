"""The sweep of overdue tries: a pending delivery whose job was lost (a dead arq worker took it from the queue)
is queued again and delivered by a real worker process, once; a try only a little late is left to its job;
and the servers' periodic sweep does the same on its own, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, insert, text, update

from server.domain.webhooks import actions as webhooks
from server.domain.webhooks import events as webhook_events
from server.domain.webhooks import sweep
from server.domain.webhooks.actions import WebhookInput
from server.domain.webhooks.config import WebhookConfig
from server.domain.webhooks.sweep import DeliverySweeper, requeue_overdue
from server.infra.config import Settings
from server.infra.db import Database, create_engine
from server.infra.job_queues import ArqJobs
from server.infra.outbox import Dispatcher
from server.models import DeliveryStatus, OutboxMessage, User, UserRole, Webhook, WebhookDelivery
from server.models.base import utcnow
from tests.support.outbox import Followups
from tests.support.people import make_user
from tests.support.receiver import Receiver, running_receiver
from tests.support.services import REDIS_URL, require_redis
from tests.support.webhooks import webhook_settings

ROOT = Path(__file__).resolve().parents[3]
DATA = {"proposal": {"id": "p-1", "title": "焊接轨迹偏移 Weld seams drift"}}


async def _hook(db: Database, settings: Settings, admin: User, receiver: Receiver) -> None:
    async with db.transaction() as session:
        _, secret = await webhooks.create(
            session, admin, WebhookInput(receiver.url, list(webhook_events.EVENTS), "研发需求"), settings
        )
    receiver.secret = secret


async def _emit(db: Database, team_id: str) -> str:
    async with db.transaction() as session:
        (delivery,) = await webhook_events.emit(session, team_id, webhook_events.PROPOSAL_CREATED, DATA)
        return delivery.id


async def _due(db: Database, delivery_id: str, late: timedelta) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(next_attempt_at=utcnow() - late)
        )


async def _drop_outbox(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(delete(OutboxMessage))


async def _delivery(db: Database, delivery_id: str) -> WebhookDelivery:
    async with db.sessions() as session:
        return await session.get_one(WebhookDelivery, delivery_id)


async def _delivered(db: Database, delivery_id: str, timeout: float = 30) -> WebhookDelivery:
    async with asyncio.timeout(timeout):
        while (row := await _delivery(db, delivery_id)).status is DeliveryStatus.PENDING:
            await asyncio.sleep(0.1)
    return row


async def test_a_try_whose_arq_job_was_lost_is_queued_again_and_delivered_once(
    postgres_url: str, tmp_path: Path
) -> None:
    require_redis()
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    env = {"WARROOM_JOBS": "arq", "WARROOM_REDIS_URL": REDIS_URL, "WARROOM_REDIS_PREFIX": prefix}
    settings = webhook_settings(tmp_path, postgres_url, WARROOM_WEBHOOK_OVERDUE_SECONDS="60", **env)
    config = WebhookConfig.from_settings(settings)
    db = Database(create_engine(postgres_url))
    jobs = await ArqJobs.connect(REDIS_URL, settings.queue_name)
    dispatcher = Dispatcher(db, jobs, None)
    dispatcher.start()
    worker: asyncio.subprocess.Process | None = None
    log = (tmp_path / "worker.log").open("wb")
    try:
        admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
        assert admin.team_id is not None
        async with running_receiver() as receiver:
            await _hook(db, settings, admin, receiver)
            lost, late = await _emit(db, admin.team_id), await _emit(db, admin.team_id)
            await dispatcher.flush()  # both first tries are on Redis now...
            await jobs._redis.delete(settings.queue_name)  # ...and gone with the worker that took them
            await _due(db, lost, timedelta(minutes=10))
            await _due(db, late, timedelta(seconds=20))

            worker_env = {**os.environ, **settings.extra, "WARROOM_DATABASE_URL": postgres_url}
            worker = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "server", "worker", cwd=ROOT, env=worker_env, stdout=log, stderr=log
            )
            await asyncio.sleep(3)
            assert receiver.requests == []  # nothing is queued to try them

            # Two servers sweeping in the same round queue the same job: one try.
            assert await requeue_overdue(db, config) == [lost]
            assert await requeue_overdue(db, config) == [lost]
            await dispatcher.flush()
            delivered = await _delivered(db, lost)
            await asyncio.sleep(1)  # a second try would have arrived by now
        assert (delivered.status, delivered.attempts, delivered.last_status_code) == (
            DeliveryStatus.DELIVERED,
            1,
            200,
        )
        assert [r.headers["x-warroom-delivery"] for r in receiver.requests] == [lost]
        assert receiver.requests[0].signature_ok
        assert receiver.accepted[lost]["data"] == DATA
        # Late by less than the grace: its job may still come; the sweep leaves it alone.
        waiting = await _delivery(db, late)
        assert (waiting.status, waiting.attempts) == (DeliveryStatus.PENDING, 0)
        assert await requeue_overdue(db, config) == []
        assert worker.returncode is None, (tmp_path / "worker.log").read_text()
    finally:
        if worker is not None and worker.returncode is None:
            worker.terminate()
            await worker.wait()
        log.close()
        await dispatcher.stop()
        await jobs.close()
        await db.dispose()


async def test_the_periodic_sweep_delivers_an_overdue_try_and_leaves_finished_ones_alone(
    db: Database, tmp_path: Path, database_url: str
) -> None:
    settings = webhook_settings(tmp_path, database_url)
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    assert admin.team_id is not None
    async with running_receiver() as receiver:
        await _hook(db, settings, admin, receiver)
        jobs = Followups(db, settings)
        done = await _emit(db, admin.team_id)
        await jobs.drain()
        assert (await _delivery(db, done)).status is DeliveryStatus.DELIVERED
        await jobs.close()
        # Written while no dispatcher runs, and its outbox job dropped: the try is lost.
        lost = await _emit(db, admin.team_id)
        await _drop_outbox(db)
        await _due(db, lost, timedelta(hours=1))

        jobs = Followups(db, settings)
        sweeper = DeliverySweeper(db, WebhookConfig(allow_private=True, sweep_seconds=0.2, overdue_seconds=0))
        sweeper.start()
        try:
            delivered = await _delivered(db, lost)
            await jobs.drain()
        finally:
            await sweeper.stop()
            await jobs.close()
    assert (delivered.status, delivered.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert [r.headers["x-warroom-delivery"] for r in receiver.requests] == [done, lost]


async def test_the_sweep_searches_its_index_not_the_whole_delivery_log(db: Database) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    now = utcnow()
    async with db.transaction() as session:
        hook = Webhook(
            team_id=admin.team_id,
            url="https://example.com/hook",
            events=[webhook_events.PROPOSAL_CREATED],
            secret_sealed=b"sealed",
            kek_id="kek",
            created_by=admin.id,
        )
        session.add(hook)
        await session.flush()
        # A delivery log as it grows: mostly finished deliveries, a few pending.
        rows: list[dict[str, object]] = [
            {
                "id": str(uuid.uuid4()),
                "webhook_id": hook.id,
                "event": webhook_events.PROPOSAL_CREATED,
                "body": "{}",
                "status": DeliveryStatus.DELIVERED if i % 1000 else DeliveryStatus.PENDING,
                "log": [],
                "next_attempt_at": None if i % 1000 else now - timedelta(minutes=i // 1000 + 1),
            }
            for i in range(5000)
        ]
        await session.execute(insert(WebhookDelivery), rows)
    async with db.transaction() as session:
        postgres = not db.is_sqlite
        await session.execute(text("ANALYZE" if postgres else "ANALYZE webhook_deliveries"))
        query = sweep.overdue(now)
        found = (await session.execute(query)).all()
        sql = query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN (COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
        plan = "\n".join(str(row[-1]) for row in (await session.execute(text(explain + str(sql)))).all())
    assert len(found) == 5
    assert "ix_webhook_deliveries_status_next_attempt_at" in plan, plan
    # The index gives the order too: nothing sorted after the search.
    assert "Sort" not in plan, plan
    assert "TEMP B-TREE" not in plan, plan
