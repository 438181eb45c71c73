"""The append-only, hash-chained audit log and its verification."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from server.models import AuditEvent
from server.models.base import utcnow

GENESIS = "0" * 64


def _digest(prev_hash: str, at: datetime, actor_id: str | None, action: str, subject: str, data: Any) -> str:
    body = json.dumps(
        [prev_hash, at.isoformat(), actor_id, action, subject, data],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


async def record(
    session: AsyncSession, *, actor_id: str | None, action: str, subject: str, data: dict[str, Any]
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # Appends are serialised so the chain never forks; the lock ends with the transaction.
        await session.execute(text("SELECT pg_advisory_xact_lock(7412001)"))
    elif dialect == "sqlite":
        # The driver begins a transaction at its first write, so a chain end read before it may be stale by
        # the insert (two failed sign-ins at once forked it). A write that changes nothing takes SQLite's
        # write lock first (other writers wait for the commit): the end read next is the one to follow.
        await session.execute(text("UPDATE audit_events SET seq = seq WHERE 0 = 1"))
    last = (
        await session.execute(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1))
    ).scalar_one_or_none()
    prev = last or GENESIS
    at = utcnow()
    event = AuditEvent(
        at=at,
        actor_id=actor_id,
        action=action,
        subject=subject,
        data=data,
        prev_hash=prev,
        hash=_digest(prev, at, actor_id, action, subject, data),
    )
    session.add(event)
    await session.flush()
    return event


@dataclass(frozen=True)
class AuditReport:
    events: int
    ok: bool
    first_bad_seq: int | None = None
    reason: str = ""


async def verify(session: AsyncSession) -> AuditReport:
    """Walk the chain from the start and report the first event that does not fit."""
    prev = GENESIS
    count = 0
    result = await session.stream_scalars(select(AuditEvent).order_by(AuditEvent.seq))
    async for event in result:
        count += 1
        if event.prev_hash != prev:
            return AuditReport(count, False, event.seq, "the previous-hash link is broken")
        expected = _digest(prev, event.at, event.actor_id, event.action, event.subject, event.data)
        if expected != event.hash:
            return AuditReport(count, False, event.seq, "the event was altered after it was written")
        prev = event.hash
    return AuditReport(count, True)
