"""The outbox dispatcher on SQLite and PostgreSQL: delivered once committed, never when rolled back, kept and
tried again when delivery fails, taken over from a process that died, each event once per subscriber."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from server.domain import outbox
from server.domain.job_registry import REGISTRY
from server.infra.config import Settings
from server.infra.db import Database
from server.infra.events import EventBus
from server.infra.ids import new_id
from server.infra.job_queues import InProcessJobs
from server.infra.outbox import Dispatcher, backoff
from server.infra.pubsub import LocalPubSub
from server.models import OutboxMessage, PointEntry
from server.models.base import utcnow
from tests.support.outbox import Followups
from tests.support.people import make_person


async def _rows(db: Database) -> list[OutboxMessage]:
    async with db.sessions() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def _entries(db: Database, user_id: str) -> int:
    async with db.sessions() as session:
        return len((await session.execute(select(PointEntry).where(PointEntry.user_id == user_id))).all())


def _award(user_id: str, key: str) -> dict[str, Any]:
    return {"action": "SNAPSHOT_NAMED", "user_id": user_id, "subject": f"snapshot:{key}", "key": key}


async def _failing_command(db: Database, user_id: str) -> None:
    async with db.transaction() as session:
        outbox.job(session, "award_points", job_id="points:two", **_award(user_id, "two"))
        outbox.event(session, "topic", {"kind": "NEVER"})
        raise RuntimeError("the command failed")


async def test_committed_follow_ups_are_delivered_and_rolled_back_ones_never_exist(
    db: Database, settings: Settings
) -> None:
    ana = await make_person(db, "ana@a.com")
    bus = EventBus(LocalPubSub())
    jobs = Followups(db, settings, bus)
    async with bus.subscribe("topic") as stream:
        async with db.transaction() as session:
            outbox.job(session, "award_points", job_id="points:one", **_award(ana.id, "one"))
            outbox.event(session, "topic", {"kind": "HELLO"})
        with pytest.raises(RuntimeError, match="the command failed"):
            await _failing_command(db, ana.id)
        await jobs.drain()
        event = await asyncio.wait_for(anext(stream), 5)
    assert event["kind"] == "HELLO"
    assert isinstance(event["outboxId"], int)
    assert await _entries(db, ana.id) == 1  # the committed award, not the rolled-back one
    assert await _rows(db) == []  # delivered rows are deleted
    assert jobs.dispatcher.delivered >= 2


async def test_a_failed_delivery_is_kept_with_its_error_and_tried_again_later(
    db: Database, settings: Settings
) -> None:
    jobs = Followups(db, settings)
    async with db.transaction() as session:
        # Nobody has this id: the award job fails (NOT_FOUND), as a job whose dependency is away would.
        outbox.job(session, "award_points", job_id="points:ghost", **_award(new_id(), "ghost"))
    before = utcnow()
    await jobs.drain()
    (row,) = await _rows(db)
    assert row.attempts == 1
    assert row.last_error is not None
    assert "NotFound" in row.last_error
    assert row.available_at >= before + timedelta(seconds=backoff(1)) - timedelta(milliseconds=50)
    assert jobs.dispatcher.failures == 1
    assert [backoff(n) for n in (1, 2, 3, 4, 9, 10, 30)] == [1, 2, 4, 8, 256, 300, 300]


async def test_rows_a_dead_process_left_are_taken_once_their_lease_ran_out(
    db: Database, settings: Settings
) -> None:
    ana = await make_person(db, "ana@a.com")
    # Committed by a process without a dispatcher (a CLI that died, say): nobody heard of the commit.
    async with db.transaction() as session:
        outbox.job(session, "award_points", job_id="points:left", **_award(ana.id, "left"))
    (row,) = await _rows(db)
    assert row.available_at > utcnow()  # still the dead process's lease
    jobs = InProcessJobs(REGISTRY, db, settings)
    dispatcher = Dispatcher(db, jobs, None, poll_seconds=0.05)
    dispatcher.start()
    try:
        await asyncio.sleep(0.3)
        assert len(await _rows(db)) == 1  # a lease is respected
        async with db.transaction() as session:
            await session.execute(update(OutboxMessage).values(available_at=utcnow()))  # the lease ran out
        for _ in range(100):
            if not await _rows(db):
                break
            await asyncio.sleep(0.05)
    finally:
        await dispatcher.stop()
        await jobs.close()
        await dispatcher.settle()
    assert await _rows(db) == []
    assert await _entries(db, ana.id) == 1


async def test_a_process_holds_its_rows_for_its_configured_lease(database_url: str, tmp_path: Path) -> None:
    """WARROOM_OUTBOX_LEASE_SECONDS: how long the rows a process commits stay its own (10 s by default)."""
    lengths: list[timedelta] = []
    for extra in ({}, {"WARROOM_OUTBOX_LEASE_SECONDS": "3"}):
        db = Database.from_settings(
            Settings.from_env(
                {"WARROOM_DATABASE_URL": database_url, "WARROOM_DATA_DIR": str(tmp_path), **extra}
            )
        )
        try:
            async with db.transaction() as session:
                outbox.event(session, "topic", {"kind": "租约 lease"})
            async with db.sessions() as session:
                rows = (
                    await session.execute(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
                ).scalars()
                row = rows.first()
            assert row is not None
            lengths.append(row.available_at - row.created_at)
        finally:
            await db.dispose()
    assert lengths == [timedelta(seconds=10), timedelta(seconds=3)]


async def test_a_job_running_here_keeps_its_row_until_it_finished(db: Database, settings: Settings) -> None:
    ana = await make_person(db, "ana@a.com")
    jobs = Followups(db, settings)
    async with db.transaction() as session:
        outbox.job(session, "award_points", job_id="points:slow", defer_by=0.5, **_award(ana.id, "slow"))
    await asyncio.sleep(0.2)
    # Queued in this process's memory only: were it to die now, the row would bring the job back.
    assert len(await _rows(db)) == 1
    assert jobs.dispatcher.pending == 1
    await jobs.drain()
    assert await _rows(db) == []
    assert await _entries(db, ana.id) == 1


async def test_a_job_deferred_to_a_moment_waits_only_for_what_is_left_of_it(
    db: Database, settings: Settings
) -> None:
    ana = await make_person(db, "ana@a.com")
    jobs = Followups(db, settings)
    # As a row taken over after a restart: its moment has passed, so the hour it was deferred by is not
    # waited for again (a retry scheduled for 10:00 runs at 10:00, not an hour after the restart).
    async with db.transaction() as session:
        outbox.job(
            session,
            "award_points",
            job_id="points:due",
            defer_by=3600,
            not_before=utcnow() - timedelta(seconds=1),
            **_award(ana.id, "due"),
        )
    await asyncio.wait_for(jobs.drain(), 30)
    assert await _rows(db) == []
    assert await _entries(db, ana.id) == 1


async def test_a_subscriber_hears_an_event_delivered_twice_once() -> None:
    bus = EventBus(LocalPubSub())
    async with bus.subscribe("topic") as stream:
        for event in ({"n": 1, "outboxId": 7}, {"n": 1, "outboxId": 7}, {"n": 2, "outboxId": 8}, {"n": 3}):
            bus.publish("topic", event)
        heard = [await asyncio.wait_for(anext(stream), 1) for _ in range(3)]
    assert [event["n"] for event in heard] == [1, 2, 3]


async def test_ids_are_never_used_twice_even_after_their_rows_were_delivered(
    db: Database, settings: Settings
) -> None:
    jobs = Followups(db, settings)
    seen: list[int] = []
    for _ in range(3):
        async with db.transaction() as session:
            row = outbox.event(session, "topic", {"kind": "HELLO"})
            await session.flush()
            seen.append(row.id)
        await jobs.drain()
        assert await _rows(db) == []
    assert len(set(seen)) == 3
    assert seen == sorted(seen)
