"""Jobs on version snapshots."""

from __future__ import annotations

import logging

from server.domain.snapshots import actions as snapshots
from server.infra.job_context import JobContext

log = logging.getLogger("warroom.jobs.snapshots")


async def auto_snapshot(ctx: JobContext, case_id: str, reason: str) -> str | None:
    """Take the case's automatic snapshot if one is due; safe to run twice, or on several workers."""
    policy = snapshots.AutoPolicy.from_settings(ctx["settings"])
    db = ctx["db"]
    async with db.reads() as reads, db.transaction() as session:
        snapshot = await snapshots.take_auto(
            session, case_id, reason=snapshots.AutoReason(reason), policy=policy, reads=reads
        )
    if snapshot is None:
        return None
    log.info("automatic snapshot", extra={"case_id": case_id, "reason": reason, "snapshot_id": snapshot.id})
    return snapshot.id
