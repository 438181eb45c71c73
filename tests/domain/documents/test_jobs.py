"""The compaction job: in-process (embedded default) and under a real arq worker process."""

import asyncio
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from pycrdt import Doc, XmlElement, XmlText
from sqlalchemy import func, select

from server.domain.cases import actions as cases
from server.domain.documents import store as documents
from server.domain.documents.text import body, plain_text
from server.domain.job_registry import REGISTRY
from server.infra.config import Settings
from server.infra.db import Database, create_engine
from server.infra.job_queues import ArqJobs, InProcessJobs
from server.models import DocCheckpoint, DocUpdate, User
from server.models.base import utcnow
from tests.support.people import make_person
from tests.support.services import REDIS_URL, require_redis

ROOT = Path(__file__).resolve().parents[3]


async def _case_with_updates(db: Database, count: int) -> str:
    person = await make_person(db, "w@a.com")
    doc: Doc[Any] = Doc()
    updates: list[bytes] = []
    doc.observe(lambda event: updates.append(event.update))
    for i in range(count):
        with doc.transaction():
            paragraph = XmlElement("paragraph")
            body(doc).children.append(paragraph)
            paragraph.children.append(XmlText(f"line {i}"))
    async with db.transaction() as session:
        user = await session.get(User, person.id)
        assert user is not None
        case = await cases.create_case(session, user, title="T", customer="C")
        await documents.append(
            session, [documents.NewUpdate(case.id, person.id, u, utcnow()) for u in updates]
        )
    return case.id


async def _merged(db: Database, case_id: str) -> tuple[int, int]:
    async with db.sessions() as session:
        checkpoint = await session.get(DocCheckpoint, case_id)
        pending = await session.scalar(
            select(func.count()).where(DocUpdate.case_id == case_id, DocUpdate.compacted.is_(False))
        )
    return (checkpoint.updates_merged if checkpoint else 0), int(pending or 0)


async def test_in_process_runs_a_job_once_per_id(db: Database, settings: Settings) -> None:
    case_id = await _case_with_updates(db, 30)
    jobs = InProcessJobs(REGISTRY, db, settings)
    for _ in range(3):
        jobs.enqueue_soon("compact_document", job_id=f"compact:{case_id}", case_id=case_id)
    await jobs.drain()
    assert await _merged(db, case_id) == (30, 0)


async def test_an_arq_worker_process_runs_the_same_job(postgres_url: str, tmp_path: Path) -> None:
    require_redis()
    db = Database(create_engine(postgres_url))
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "WARROOM_DATABASE_URL": postgres_url, "WARROOM_REDIS_URL": REDIS_URL,
           "WARROOM_REDIS_PREFIX": prefix}  # fmt: skip
    log = (tmp_path / "worker.log").open("wb")
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server", "worker", cwd=ROOT, env=env, stdout=log, stderr=log
    )
    jobs = await ArqJobs.connect(REDIS_URL, f"{prefix}:queue")
    try:
        case_id = await _case_with_updates(db, 12)
        await jobs.enqueue("compact_document", job_id=f"compact:{case_id}", case_id=case_id)
        async with asyncio.timeout(30):
            while await _merged(db, case_id) != (12, 0):
                assert worker.returncode is None, (tmp_path / "worker.log").read_text()
                await asyncio.sleep(0.2)
        async with db.sessions() as session:
            assert plain_text(await documents.load_doc(session, case_id)).endswith("line 11")
    finally:
        await jobs.close()
        worker.terminate()
        await worker.wait()
        log.close()
        await db.dispose()
