"""Jobs that move value points: awards from the other features, and voiding a rejected pain point.

A job may run more than once (arq retries, a worker dying after the commit): the idempotency key of the
award, and the reversal key of each voided entry, let one entry through however often it runs.
"""

from __future__ import annotations

import logging

from arq import Retry
from sqlalchemy.exc import InterfaceError, OperationalError

from server.domain.points import awards, events
from server.domain.points.awards import AwardRequest
from workers.typing import JobContext

log = logging.getLogger("warroom.jobs.points")

# Transient database failures are retried with this back-off (seconds, by try); anything else fails.
_BACKOFF = (1, 5, 30, 120)


def _retry(ctx: JobContext, error: Exception) -> Retry:
    attempt = ctx.get("job_try", 1)
    delay = _BACKOFF[min(attempt, len(_BACKOFF)) - 1]
    log.warning("points job hit a database error, retrying in %ss: %s", delay, error)
    return Retry(defer=delay)


async def award_points(
    ctx: JobContext, *, action: str, user_id: str, subject: str, key: str, actor_id: str | None = None
) -> str:
    """Apply one award (see `server.domain.points.awards`); returns what happened."""
    request = AwardRequest.from_job(
        action=action, user_id=user_id, subject=subject, key=key, actor_id=actor_id
    )
    try:
        async with ctx["db"].transaction() as session:
            outcome = await awards.award(session, request)
    except (OperationalError, InterfaceError) as error:
        raise _retry(ctx, error) from error
    if outcome.wrote:
        events.publish_entries(ctx.get("events"), [outcome.entry])
    log.debug("award %s: %s", key, outcome.result.value)
    return outcome.result.value


async def void_points(
    ctx: JobContext, *, user_id: str, subject: str, reason: str, actor_id: str | None = None
) -> int:
    """Reverse what `subject` earned and refuse later awards for it; returns how many entries it reversed."""
    try:
        async with ctx["db"].transaction() as session:
            outcome = await awards.void(
                session, user_id=user_id, subject=subject, reason=reason, actor_id=actor_id
            )
    except (OperationalError, InterfaceError) as error:
        raise _retry(ctx, error) from error
    events.publish_entries(ctx.get("events"), outcome.reversals)
    log.info("voided %s: %d entries reversed", subject, len(outcome.reversals))
    return len(outcome.reversals)
