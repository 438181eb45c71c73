"""Submitting and resubmitting, end to end: check, encode outside any transaction, store, then tell others.

Vectors are made at submit time, in a thread, with the process's shared model: a near-duplicate must be
answered as DUPLICATE in the response itself, and a new pain point then joins its cluster in the same
transaction (measured: 100 pain points in one call are encoded, stored and placed in well under 2 s once the
model is loaded). If the model cannot run, the pain points are still stored and the `embed_pain_points`
job catches up (duplicates, placement and the acceptance award then wait for it).
"""

from __future__ import annotations

from collections.abc import Sequence

from server.clustering import shared_embedder
from server.db import Database
from server.domain import cluster_events, painpoint_vectors, painpoints
from server.domain.painpoint_config import PainPointConfig
from server.domain.painpoints import Planned, SubmissionInput, SubmissionResult, SubmitOutcome
from server.domain.points import awards
from server.events import EventBus
from server.jobs import JobQueue
from server.models import User

EMBED_JOB = "embed_pain_points"


async def submit(
    db: Database,
    jobs: JobQueue,
    events: EventBus | None,
    user: User,
    inputs: Sequence[SubmissionInput],
    config: PainPointConfig,
) -> list[SubmissionResult]:
    """Submit pain points; one result per input, in order."""
    async with db.sessions() as session:
        plans = await painpoints.plan(session, user, inputs, config)
    return await _finish(db, jobs, events, user, plans, config)


async def resubmit(
    db: Database,
    jobs: JobQueue,
    events: EventBus | None,
    user: User,
    ticket_id: str,
    text: str,
    config: PainPointConfig,
) -> SubmissionResult:
    """Try one of the caller's rectification tickets again with a corrected text."""
    async with db.sessions() as session:
        plan = await painpoints.plan_resubmission(session, user, ticket_id, text, config)
    (result,) = await _finish(db, jobs, events, user, [plan], config)
    return result


async def _finish(
    db: Database,
    jobs: JobQueue,
    events: EventBus | None,
    user: User,
    plans: list[Planned],
    config: PainPointConfig,
) -> list[SubmissionResult]:
    texts = painpoints.texts_to_encode(plans)
    encoded = await painpoint_vectors.try_encode(shared_embedder(config.model), texts) if texts else None
    async with db.transaction() as session:
        outcome = await painpoints.store(session, user, plans, encoded, config)
    await after_commit(jobs, events, outcome)
    return outcome.results


async def after_commit(jobs: JobQueue, events: EventBus | None, outcome: SubmitOutcome) -> None:
    """Announce grown clusters, queue the acceptance awards, and the embedding job if vectors are missing."""
    cluster_events.publish_growth(events, outcome.settled)
    for request in outcome.awards:
        await awards.enqueue_award(jobs, request)
    for team_id in sorted(outcome.needs_embedding):
        await jobs.enqueue(EMBED_JOB, job_id=f"embed:{team_id}", team_id=team_id)
