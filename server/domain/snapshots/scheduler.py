"""Turns document activity into automatic snapshot jobs: after a quiet spell, and every N updates.

One per process, fed by `Rooms.activity_listeners` (each durable update of this server). The job
decides from the database whether a snapshot is due, so any number of servers may ask for the
same one: it is taken once.
"""

from __future__ import annotations

import asyncio
import logging

from server.domain import job_names
from server.domain.snapshots.actions import AutoPolicy, AutoReason
from server.infra.job_queues import JobQueue

log = logging.getLogger("warroom.snapshots")

JOB = job_names.AUTO_SNAPSHOT


class SnapshotScheduler:
    """Debounces per case: each update re-arms the idle timer; every `check_every` updates a count job."""

    def __init__(self, jobs: JobQueue, policy: AutoPolicy) -> None:
        self._jobs = jobs
        self._policy = policy
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._counts: dict[str, int] = {}
        # This server sees only its own share of a case's updates, so it asks the database
        # (a cheap check) four times per interval rather than once.
        self.check_every = max(1, policy.every_updates // 4)

    def on_activity(self, case_id: str, _author_id: str | None) -> None:
        """An update of the case is durable (an ActivityListener)."""
        if self._policy.idle_seconds > 0:
            timer = self._timers.pop(case_id, None)
            if timer is not None:
                timer.cancel()
            loop = asyncio.get_running_loop()
            self._timers[case_id] = loop.call_later(self._policy.idle_seconds, self._idle, case_id)
        if self._policy.every_updates > 0:
            count = self._counts.get(case_id, 0) + 1
            if count >= self.check_every:
                count = 0
                self._enqueue(case_id, AutoReason.COUNT)
            self._counts[case_id] = count

    def _idle(self, case_id: str) -> None:
        self._timers.pop(case_id, None)
        self._counts.pop(case_id, None)
        self._enqueue(case_id, AutoReason.IDLE)

    def _enqueue(self, case_id: str, reason: AutoReason) -> None:
        # No job id: arq keeps a finished job's id for an hour and would refuse the next one.
        self._jobs.enqueue_soon(JOB, case_id=case_id, reason=reason.value)

    @property
    def pending(self) -> int:
        """Cases with an idle timer running."""
        return len(self._timers)

    async def stop(self) -> None:
        """At shutdown: a case whose quiet spell had not ended yet gets its snapshot now."""
        pending = list(self._timers)
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        self._counts.clear()
        for case_id in pending:
            await self._jobs.enqueue(JOB, case_id=case_id, reason=AutoReason.SHUTDOWN.value)
        if pending:
            log.info("queued shutdown snapshots", extra={"cases": len(pending)})
