"""Submitting and resubmitting, end to end: check, encode outside any transaction, store, then tell others.

Vectors are made at submit time, in a thread, with the process's shared model: a near-duplicate must be
answered as DUPLICATE in the response itself, and a new pain point then joins its cluster in the same
transaction. If the model cannot run, the pain points are still stored and the `embed_pain_points` job
catches up (duplicates, placement and the acceptance award then wait for it).

Concurrent requests are committed in groups (`Submissions`, one per server process): while one group is
encoded and stored, new requests queue and go together in the next one, so the model and the database see
one call per group instead of one per request. Measured with 100 single submissions, 10 in flight: one
encode and one transaction per request let SQLite writers wait on each other (p99 1.9 s).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from server.clustering import shared_embedder
from server.domain.painpoints import actions as painpoints
from server.domain.painpoints import vectors as painpoint_vectors
from server.domain.painpoints.actions import Submission, SubmissionInput, SubmissionResult
from server.domain.painpoints.config import MAX_BATCH, PainPointConfig
from server.infra.db import Database
from server.models import User

log = logging.getLogger("warroom.painpoints")

EMBED_JOB = painpoints.EMBED_JOB


@dataclass
class _Waiting:
    submission: Submission
    done: asyncio.Future[list[SubmissionResult]]


class Submissions:
    """Group commit of the pain-point submissions of one process (see the module docstring)."""

    def __init__(
        self,
        db: Database,
        config: PainPointConfig,
        *,
        max_texts: int = MAX_BATCH,
    ) -> None:
        self._db = db
        self._config = config
        self._max_texts = max_texts
        self._queue: list[_Waiting] = []
        self._task: asyncio.Task[None] | None = None
        self.groups = 0

    async def submit(
        self, user: User, inputs: Sequence[SubmissionInput], *, recorded_at: datetime | None = None
    ) -> list[SubmissionResult]:
        """Submit pain points; one result per input, in order. `recorded_at` dates them (and their awards)
        in the past: the demo's history."""
        async with self._db.sessions() as session:
            plans = await painpoints.plan(session, user, inputs, self._config)
        return await self.store(Submission(user, plans, recorded_at))

    async def resubmit(self, user: User, ticket_id: str, text: str) -> SubmissionResult:
        """Try one of the caller's rectification tickets again with a corrected text."""
        async with self._db.sessions() as session:
            plan = await painpoints.plan_resubmission(session, user, ticket_id, text, self._config)
        (result,) = await self.store(Submission(user, [plan]))
        return result

    async def close(self) -> None:
        """Wait for the groups under way."""
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def store(self, submission: Submission) -> list[SubmissionResult]:
        """Store checked submissions with the next group; one result per plan, in order."""
        done: asyncio.Future[list[SubmissionResult]] = asyncio.get_running_loop().create_future()
        self._queue.append(_Waiting(submission, done))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name="painpoint-submissions")
        return await done

    async def _drain(self) -> None:
        while self._queue:
            group = [self._queue.pop(0)]
            texts = len(painpoints.texts_to_encode([group[0].submission]))
            while self._queue:
                more = len(painpoints.texts_to_encode([self._queue[0].submission]))
                if texts + more > self._max_texts:
                    break
                group.append(self._queue.pop(0))
                texts += more
            await self._commit(group)

    async def _commit(self, group: list[_Waiting]) -> None:
        submissions = [waiting.submission for waiting in group]
        texts = painpoints.texts_to_encode(submissions)
        embedder = shared_embedder(self._config.model)
        encoded = await painpoint_vectors.try_encode(embedder, texts) if texts else None
        try:
            async with self._db.transaction() as session:
                stored = await painpoints.store(session, submissions, encoded, self._config)
        except Exception as error:  # noqa: BLE001 - handed to the request that caused it, below
            if len(group) == 1:
                if not group[0].done.done():
                    group[0].done.set_exception(error)
                return
            # One request's failure (a membership revoked meanwhile, say) must not fail the others.
            for waiting in group:
                await self._commit([waiting])
            return
        self.groups += 1
        for waiting, results in zip(group, stored.results, strict=True):
            if not waiting.done.done():  # its request may have gone away meanwhile
                waiting.done.set_result(results)


async def submit(
    db: Database,
    user: User,
    inputs: Sequence[SubmissionInput],
    config: PainPointConfig,
    *,
    recorded_at: datetime | None = None,
) -> list[SubmissionResult]:
    """Submit pain points outside a server (scripts, tests): one group of its own. Its follow-ups (events,
    awards, jobs) are in the outbox when it returns."""
    return await Submissions(db, config).submit(user, inputs, recorded_at=recorded_at)
