"""Jobs on case documents."""

from __future__ import annotations

import logging

from server.domain.documents import store as documents
from server.infra.job_context import JobContext

log = logging.getLogger("warroom.jobs.documents")


async def compact_document(ctx: JobContext, case_id: str) -> int:
    """Merge a case's unmerged updates into its checkpoint; safe to run twice or concurrently."""
    async with ctx["db"].transaction() as session:
        merged = await documents.compact(session, case_id)
    log.info("compacted document", extra={"case_id": case_id, "merged": merged})
    return merged
