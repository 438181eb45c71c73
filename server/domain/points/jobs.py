"""Jobs that move value points: awards from the other features, and voiding a rejected pain point.

A job may run more than once (arq retries, a worker dying after the commit): the idempotency key of the
award, and the reversal key of each voided entry, let one entry through however often it runs.
"""

from __future__ import annotations

import logging

from arq import Retry
from sqlalchemy.exc import InterfaceError, OperationalError

from server.domain.errors import NotFound
from server.domain.points import awards, voids
from server.domain.points.award_batcher import AwardBatcher
from server.domain.points.awards import AwardOutcome, AwardRequest, AwardResult
from server.infra.job_context import JobContext

log = logging.getLogger("warroom.jobs.points")

# Transient database failures are retried with this back-off (seconds, by try); anything else fails.
_BACKOFF = (1, 5, 30, 120)
_BATCHER = "points.award_batcher"


def _retry(ctx: JobContext, error: Exception) -> Retry:
    attempt = ctx.get("job_try", 1)
    delay = _BACKOFF[min(attempt, len(_BACKOFF)) - 1]
    log.warning("points job hit a database error, retrying in %ss: %s", delay, error)
    return Retry(defer=delay)


async def _apply(ctx: JobContext, request: AwardRequest) -> AwardOutcome:
    shared = ctx.get("shared")
    if shared is None:  # a runner without per-process state: one transaction per award
        async with ctx["db"].transaction() as session:
            return (await awards.award_many(session, [request]))[0]
    batcher = shared.get(_BATCHER)
    if batcher is None:
        batcher = shared[_BATCHER] = AwardBatcher(ctx["db"])
    outcome: AwardOutcome = await batcher.award(request)
    return outcome


async def award_points(
    ctx: JobContext,
    *,
    action: str,
    user_id: str,
    subject: str,
    key: str,
    actor_id: str | None = None,
    at: str | None = None,
) -> str:
    """Apply one award (see `server.domain.points.awards`); returns what happened."""
    request = AwardRequest.from_job(
        action=action, user_id=user_id, subject=subject, key=key, actor_id=actor_id, at=at
    )
    try:
        outcome = await _apply(ctx, request)
    except (OperationalError, InterfaceError) as error:
        raise _retry(ctx, error) from error
    if outcome.result is AwardResult.UNKNOWN_USER:
        raise NotFound(f"No user with id {user_id} can earn points (award {key}).")
    log.debug("award %s: %s", key, outcome.result.value)
    return outcome.result.value


async def void_points(
    ctx: JobContext, *, user_id: str, subject: str, reason: str, actor_id: str | None = None
) -> int:
    """Reverse what `subject` earned and refuse later awards for it; returns how many entries it reversed."""
    try:
        async with ctx["db"].transaction() as session:
            outcome = await voids.void(
                session, user_id=user_id, subject=subject, reason=reason, actor_id=actor_id
            )

    except (OperationalError, InterfaceError) as error:
        raise _retry(ctx, error) from error
    log.info("voided %s: %d entries reversed", subject, len(outcome.reversals))
    return len(outcome.reversals)
