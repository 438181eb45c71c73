"""The heatmap job: read a case's new document updates into its stored heatmaps."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select

from server.domain.heatmaps import store as heatmap_store
from server.domain.heatmaps.refresh import refresh_delay, schedule
from server.infra.job_context import JobContext
from server.models import DocUpdate

log = logging.getLogger("warroom.jobs.heatmaps")


async def refresh_heatmaps(ctx: JobContext, case_id: str) -> dict[str, Any]:
    """Continue a case's heatmaps from the last update read; safe to run twice or concurrently."""
    db = ctx["db"]
    outcome = await heatmap_store.refresh(db, case_id)
    log.info("heatmaps refreshed", extra=asdict(outcome))
    if outcome.stored:
        async with db.sessions() as session:
            newest = await session.scalar(select(func.max(DocUpdate.id)).where(DocUpdate.case_id == case_id))
        if (newest or 0) > outcome.last_update_id:
            # Updates arrived while this run worked; their own request for a job may have come from a
            # server whose clock put them in the window that already ran.
            schedule(ctx["jobs"], case_id, refresh_delay(ctx["settings"]))
    return asdict(outcome)
