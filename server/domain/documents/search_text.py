"""Keeps each case's searchable text (server.domain.documents.texts) up to date after edits.

The live persist path is left alone: a durable update only tells `TextIndexScheduler` (a rooms' activity
listener, microseconds), which asks once per time window of `delay` seconds for the job that replays the
stored document and writes its plain text. The job id carries the window, so however many updates and
servers there are, a case is read at most once per window, and after the last update of each.
Snapshots store their text too (server.domain.snapshots.actions), so the text is never older than them.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Final

from server.domain import job_names
from server.domain.documents import texts
from server.domain.documents.text import state_text
from server.domain.snapshots.actions import stored_document
from server.infra import offload
from server.infra.config import Settings, float_setting
from server.infra.ids import spread_of
from server.infra.job_context import JobContext
from server.infra.job_queues import JobQueue

log = logging.getLogger("warroom.jobs.documents")

JOB: Final = job_names.INDEX_DOCUMENT_TEXT
DELAY_SETTING: Final = "WARROOM_SEARCH_TEXT_DELAY_SECONDS"
DEFAULT_DELAY_SECONDS: Final = 5.0


def index_delay(settings: Settings) -> float:
    """Seconds from an edit to the case's text being searchable (WARROOM_SEARCH_TEXT_DELAY_SECONDS)."""
    return float_setting(settings.extra, DELAY_SETTING, DEFAULT_DELAY_SECONDS, minimum=0.05)


class TextIndexScheduler:
    """The rooms' activity listener: asks for each case's indexing job once per window from this server."""

    def __init__(self, jobs: JobQueue, delay: float, clock: Callable[[], float] = time.time) -> None:
        self._jobs = jobs
        self._delay = delay
        self._clock = clock
        self._asked: dict[str, int] = {}

    def __call__(self, case_id: str, _author_id: str | None) -> None:
        now = self._clock()
        # Each case's windows are shifted by a share of `delay` fixed by its id, so that cases edited
        # together are not all read at the same instant.
        start = now - spread_of(case_id, self._delay)
        window = math.floor(start / self._delay)
        if self._asked.get(case_id) == window:
            return
        if len(self._asked) > 10_000:
            self._asked = {case: seen for case, seen in self._asked.items() if seen >= window}
        self._asked[case_id] = window
        left = (window + 1) * self._delay - start
        self._jobs.enqueue_soon(JOB, job_id=f"text:{case_id}:{window}", defer_by=left, case_id=case_id)


async def index_document_text(ctx: JobContext, case_id: str) -> int:
    """Store the plain text of the case's stored document; returns the log position it holds."""
    db = ctx["db"]
    async with db.reads() as reads:
        stored = await stored_document(reads, case_id)
    if stored.position == 0:
        return 0
    text = await offload.run(state_text, stored.state)
    async with db.transaction() as session:
        await texts.store_text(session, case_id, text, stored.position)
    log.info("indexed document text", extra={"case_id": case_id, "position": stored.position})
    return stored.position
