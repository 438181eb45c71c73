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
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from server.clustering import shared_embedder
from server.domain import job_names
from server.domain.clusters import events as cluster_events
from server.domain.clusters import runs as cluster_runs
from server.domain.painpoints import actions as painpoints
from server.domain.painpoints import events as painpoint_events
from server.domain.painpoints import vectors as painpoint_vectors
from server.domain.painpoints.actions import Stored, Submission, SubmissionInput, SubmissionResult
from server.domain.painpoints.config import MAX_BATCH, PainPointConfig
from server.domain.points import awards
from server.infra.db import Database
from server.infra.events import EventBus
from server.infra.job_queues import JobQueue
from server.models import User

log = logging.getLogger("warroom.painpoints")

EMBED_JOB = job_names.EMBED_PAIN_POINTS
# The re-clustering a run needs when new pain points lie outside its space gets an id made from the run's.
_OUTGROWN = uuid.UUID("5d1f3a0e-8c2b-4e7a-b6f1-93c0d2e4a718")


@dataclass
class _Waiting:
    submission: Submission
    done: asyncio.Future[list[SubmissionResult]]


class Submissions:
    """Group commit of the pain-point submissions of one process (see the module docstring)."""

    def __init__(
        self,
        db: Database,
        jobs: JobQueue,
        events: EventBus | None,
        config: PainPointConfig,
        *,
        max_texts: int = MAX_BATCH,
    ) -> None:
        self._db = db
        self._jobs = jobs
        self._events = events
        self._config = config
        self._max_texts = max_texts
        self._queue: list[_Waiting] = []
        self._task: asyncio.Task[None] | None = None
        self.groups = 0

    async def submit(self, user: User, inputs: Sequence[SubmissionInput]) -> list[SubmissionResult]:
        """Submit pain points; one result per input, in order."""
        async with self._db.sessions() as session:
            plans = await painpoints.plan(session, user, inputs, self._config)
        return await self.store(Submission(user, plans))

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
        try:
            await after_commit(self._jobs, self._events, stored)
        except Exception:
            log.exception("queueing the follow-ups of stored pain points failed")
        for waiting, results in zip(group, stored.results, strict=True):
            if not waiting.done.done():  # its request may have gone away meanwhile
                waiting.done.set_result(results)


async def submit(
    db: Database,
    jobs: JobQueue,
    events: EventBus | None,
    user: User,
    inputs: Sequence[SubmissionInput],
    config: PainPointConfig,
) -> list[SubmissionResult]:
    """Submit pain points outside a server (scripts, tests): one group of its own."""
    return await Submissions(db, jobs, events, config).submit(user, inputs)


async def after_commit(jobs: JobQueue, events: EventBus | None, stored: Stored) -> None:
    """Announce the new pain points and grown clusters, queue the acceptance awards, the embedding job if
    vectors are missing, and a re-clustering of a team whose run cannot take its new pain points."""
    recorded = [result.pain_point for results in stored.results for result in results if result.pain_point]
    painpoint_events.publish(events, painpoint_events.recorded(recorded))
    cluster_events.publish_growth(events, stored.settled)
    for request in stored.awards:
        await awards.enqueue_award(jobs, request)
    for team_id in sorted(stored.needs_embedding):
        await jobs.enqueue(EMBED_JOB, job_id=f"embed:{team_id}", team_id=team_id)
    for team_id, run_id in sorted(stored.settled.outgrown.items()):
        # one per run: the job's row is made as it starts, so R&D's page shows it running
        job_id = str(uuid.uuid5(_OUTGROWN, run_id))
        await jobs.enqueue(cluster_runs.JOB_NAME, job_id=job_id, team_id=team_id)
