"""Follow-ups written in the transaction of the change they follow (the transactional outbox).

A domain action that must be followed by a job (an award, a re-clustering) or an event (what subscribers
hear) writes it here, with its change: both commit, or neither. After the commit the process's dispatcher
(`server/infra/outbox.py`) delivers the rows at once; a row whose process died first is delivered by any
dispatcher once its lease ran out. Delivery is at least once: jobs are idempotent (awards by their key),
and a subscriber drops an event whose `outboxId` it already had.

    outbox.job(session, "award_points", job_id=f"points:{key}", **kwargs)
    outbox.event(session, topics.case_comments(case_id), {"kind": "ADDED", ...})
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

# The row protocol (the lease, where a session lists its rows) is the dispatcher's: infra knows no feature.
from server.infra.outbox import LEASE, LEASE_INFO, NOT_BEFORE, WRITTEN
from server.models import OutboxKind, OutboxMessage
from server.models.base import utcnow

Event = dict[str, Any]


def job(
    session: AsyncSession,
    name: str,
    /,
    *,
    job_id: str | None = None,
    defer_by: float = 0.0,
    not_before: datetime | None = None,
    **kwargs: Any,
) -> OutboxMessage:
    """Run job `name` with `kwargs` after the commit; without `job_id`, the row's id names the job.

    `not_before` defers it to a moment rather than by a length: a row delivered again after a restart
    waits only for what is left (`defer_by` would start over)."""
    payload: dict[str, Any] = {"job_id": job_id, "defer_by": defer_by, "kwargs": kwargs}
    if not_before is not None:
        payload[NOT_BEFORE] = not_before.isoformat()
    return _add(session, OutboxKind.JOB, name, payload)


def event(session: AsyncSession, topic: str, payload: Event) -> OutboxMessage:
    """Publish `payload` on `topic` after the commit."""
    return _add(session, OutboxKind.EVENT, topic, payload)


def events(session: AsyncSession, items: list[tuple[str, Event]]) -> None:
    """Publish each (topic, event) after the commit."""
    for topic, payload in items:
        event(session, topic, payload)


def _add(session: AsyncSession, kind: OutboxKind, name: str, payload: dict[str, Any]) -> OutboxMessage:
    now = utcnow()
    lease = session.info.get(LEASE_INFO, LEASE)
    row = OutboxMessage(
        kind=kind, name=name, payload=payload, created_at=now, available_at=now + lease, attempts=0
    )
    session.add(row)
    session.info.setdefault(WRITTEN, []).append(row)
    return row
