"""The searchable text: the indexing job, its scheduling from live activity, and snapshots keeping it."""

import asyncio
from datetime import timedelta

from sqlalchemy import select

from server.domain.documents.search_text import TextIndexScheduler, index_document_text
from server.domain.job_registry import REGISTRY
from server.domain.snapshots import actions as snapshots
from server.domain.snapshots.actions import AutoPolicy, AutoReason
from server.infra.config import Settings
from server.infra.db import Database
from server.infra.ids import spread_of
from server.infra.job_queues import InProcessJobs
from server.models import DocText
from server.models.base import utcnow
from tests.support.documents import write
from tests.support.people import case_with, make_user


async def _stored(db: Database, case_id: str) -> tuple[str, int] | None:
    async with db.sessions() as session:
        row = (
            await session.execute(select(DocText.text, DocText.position).where(DocText.case_id == case_id))
        ).first()
    return None if row is None else (row[0], row[1])


async def test_the_job_stores_the_text_of_the_stored_document(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    case_id = await case_with(db, owner)
    assert await index_document_text({"db": db}, case_id) == 0
    assert await _stored(db, case_id) is None  # nothing written yet, nothing to index
    await write(db, case_id, owner.id, "手术室紧急故障处置", "Escalate to the vendor")
    assert await index_document_text({"db": db}, case_id) == 1
    assert await _stored(db, case_id) == ("手术室紧急故障处置\nEscalate to the vendor", 1)
    await write(db, case_id, owner.id, "二次确认", replace=True)
    assert await index_document_text({"db": db}, case_id) == 2
    assert await _stored(db, case_id) == ("二次确认", 2)


async def test_an_automatic_snapshot_brings_the_text_to_its_position(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    case_id = await case_with(db, owner)
    await write(db, case_id, owner.id, "Customer wants 24/7 support")
    async with db.transaction() as session:
        taken = await snapshots.take_auto(
            session,
            case_id,
            reason=AutoReason.IDLE,
            policy=AutoPolicy(idle_seconds=1),
            now=utcnow() + timedelta(minutes=1),
        )
    assert taken is not None
    assert await _stored(db, case_id) == ("Customer wants 24/7 support", 1)


async def test_updates_in_one_window_index_once_at_its_end_and_the_next_window_again(
    db: Database, settings: Settings
) -> None:
    owner = await make_user(db, "owner@a.com")
    case_id = await case_with(db, owner)
    jobs = InProcessJobs(REGISTRY, db, settings)
    delay = 5.0
    # Just after the start of one of the case's windows (each case's windows have their own offset).
    now = [1_000_000.02 + spread_of(case_id, delay)]
    # Two servers' listeners, one queue: what arq's job ids do across processes.
    servers = [TextIndexScheduler(jobs, delay, clock=lambda: now[0]) for _ in range(2)]
    await write(db, case_id, owner.id, "手术室紧急故障处置")
    for _ in range(25):
        for listener in servers:
            listener(case_id, owner.id)
        now[0] += 0.01
    await asyncio.sleep(0.3)
    assert await _stored(db, case_id) is None, "the job waits for the end of the window"

    await jobs.drain()
    assert await _stored(db, case_id) == ("手术室紧急故障处置", 1)

    await write(db, case_id, owner.id, "Escalate to the vendor")
    now[0] += delay
    servers[1](case_id, None)
    await jobs.drain()
    assert await _stored(db, case_id) == ("手术室紧急故障处置\nEscalate to the vendor", 2)
    await jobs.close()
