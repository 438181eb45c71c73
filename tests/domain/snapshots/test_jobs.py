"""The automatic snapshot job under a real arq worker: it takes the version and tells subscribers."""

import asyncio
import os
import sys
import uuid
from pathlib import Path

from sqlalchemy import select

from server.infra.db import Database, create_engine
from server.infra.events import EventBus
from server.infra.job_queues import ArqJobs
from server.infra.pubsub import RedisPubSub
from server.models import Snapshot, SnapshotKind
from tests.domain.documents.test_jobs import ROOT, _case_with_updates
from tests.support.services import REDIS_URL, require_redis


async def test_an_arq_worker_takes_the_snapshot_and_publishes_it(postgres_url: str, tmp_path: Path) -> None:
    require_redis()
    db = Database(create_engine(postgres_url))
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "WARROOM_DATABASE_URL": postgres_url, "WARROOM_REDIS_URL": REDIS_URL,
           "WARROOM_REDIS_PREFIX": prefix, "WARROOM_SNAPSHOT_EVERY_UPDATES": "10"}  # fmt: skip
    log = (tmp_path / "worker.log").open("wb")
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server", "worker", cwd=ROOT, env=env, stdout=log, stderr=log
    )
    pubsub = RedisPubSub(REDIS_URL, prefix)
    await pubsub.start()
    jobs = await ArqJobs.connect(REDIS_URL, f"{prefix}:queue")
    try:
        case_id = await _case_with_updates(db, 12)
        async with EventBus(pubsub).subscribe(f"case:{case_id}:snapshots") as events:
            for _ in range(2):  # a retry, or a second server asking: still one version
                await jobs.enqueue("auto_snapshot", case_id=case_id, reason="count")
            event = await asyncio.wait_for(anext(events), 30)
        async with db.sessions() as session:
            rows = list(
                (await session.execute(select(Snapshot).where(Snapshot.case_id == case_id))).scalars()
            )
        assert [(s.kind, s.position) for s in rows] == [(SnapshotKind.AUTO, 12)]
        # delivered by the worker's outbox dispatcher, committed with the snapshot
        assert event == {"kind": "CREATED", "snapshotId": rows[0].id, "outboxId": event["outboxId"]}
        assert worker.returncode is None, (tmp_path / "worker.log").read_text()
    finally:
        await jobs.close()
        await pubsub.stop()
        worker.terminate()
        await worker.wait()
        log.close()
        await db.dispose()
