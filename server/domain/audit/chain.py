"""Appending to the audit chain, and linking what was appended (the sequencer's transaction).

A command only inserts its event: no lock, no read of the chain's end, nothing another command waits
for. After commits, `link` gives the committed events that are not linked yet their place, in `seq`
order, under a lock held only for that short transaction, and signs the checkpoints that are due
(server/domain/audit/checkpoints.py). An event rolled back with its command never reaches the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.audit.checkpoints import Checkpoint, Policy
from server.domain.audit.signing import SigningKey
from server.domain.errors import BadInput, Conflict
from server.infra.db import Database
from server.infra.locks import advisory_key
from server.models import AuditCheckpoint, AuditEvent
from server.models.base import utcnow

GENESIS = "0" * 64
# `session.info` key: the session's transaction appended events (the sequencer links them after the commit).
APPENDED = "audit"
LOCK = advisory_key("audit:chain")
BATCH = 1000


def digest(prev_hash: str, at: datetime, actor_id: str | None, action: str, subject: str, data: Any) -> str:
    """An event's hash: it covers the previous one, so editing any event breaks every link after it."""
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
    """Append one event inside the caller's transaction: it exists if and only if that commits."""
    event = AuditEvent(at=utcnow(), actor_id=actor_id, action=action, subject=subject, data=data)
    session.add(event)
    session.info[APPENDED] = True
    await session.flush()
    return event


@dataclass(frozen=True)
class Head:
    position: int
    hash: str


async def head(session: AsyncSession) -> Head:
    """The last linked event (position 0 and the genesis hash for an empty chain)."""
    row = (
        await session.execute(
            select(AuditEvent.position, AuditEvent.hash)
            .where(AuditEvent.position.is_not(None))
            .order_by(AuditEvent.position.desc())
            .limit(1)
        )
    ).first()
    if row is None or row.position is None or row.hash is None:
        return Head(0, GENESIS)
    return Head(row.position, row.hash)


async def last_checkpoint(session: AsyncSession) -> Checkpoint | None:
    row = await session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.position.desc()).limit(1))
    return None if row is None else Checkpoint.of(row)


async def unlinked(session: AsyncSession) -> int:
    """How many committed events wait for the sequencer."""
    count = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.position.is_(None))
    )
    return int(count or 0)


async def _lock(session: AsyncSession, wait: bool) -> bool:
    if session.get_bind().dialect.name == "postgresql":
        if wait:
            await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK})
            return True
        return bool(await session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK}))
    # SQLite begins the transaction at its first write: a write that changes nothing takes the write lock
    # (another linker waits for its commit), so the chain's end read next is the one to follow.
    await session.execute(text("UPDATE audit_events SET seq = seq WHERE 0 = 1"))
    return True


async def _refusal(session: AsyncSession, end: Head, last: Checkpoint | None, every: int) -> str | None:
    """Why no checkpoint may be signed now, or None. The sequencer vouches only for a chain that still
    holds its last checkpoint, and never for a stretch longer than the spacing: after a link fewer than
    `every` events follow the last checkpoint, so a longer stretch means stored checkpoints were deleted
    (or the chain predates checkpoints): only an operator may vouch for it (`audit checkpoint`)."""
    if last is not None:
        held = await session.scalar(select(AuditEvent.hash).where(AuditEvent.position == last.position))
        if held != last.hash:
            return (
                f"the audit chain no longer holds the checkpoint at position {last.position}; "
                "run `python -m server audit verify`"
            )
    covered = last.position if last is not None else 0
    spacing = max(every, last.every if last is not None else 0)
    if end.position - covered >= spacing:
        since = f"the checkpoint at position {covered}" if last is not None else "the start"
        return (
            f"{end.position - covered} linked events since {since} have no checkpoint (stored checkpoints "
            "were deleted, or the chain predates checkpoints); run `python -m server audit verify`, and "
            "`python -m server audit checkpoint` to vouch for a chain that predates them"
        )
    return None


@dataclass
class Linked:
    events: int = 0
    checkpoints: list[Checkpoint] = field(default_factory=list)
    busy: bool = False
    refused: str | None = None
    """Why checkpoints were not signed (events are linked all the same)."""


async def link_batch(
    session: AsyncSession, key: SigningKey | None, policy: Policy, *, wait: bool = True, batch: int = BATCH
) -> Linked:
    """In the caller's (fresh) transaction: take the chain's lock (or give up when `wait` is False and
    another process holds it), link up to `batch` committed events and sign the checkpoints due."""
    if not await _lock(session, wait):
        return Linked(busy=True)
    end = await head(session)
    last = await last_checkpoint(session)
    refused = await _refusal(session, end, last, policy.every) if key is not None else None
    sign = key is not None and refused is None
    rows = (
        await session.execute(
            select(
                AuditEvent.seq,
                AuditEvent.at,
                AuditEvent.actor_id,
                AuditEvent.action,
                AuditEvent.subject,
                AuditEvent.data,
            )
            .where(AuditEvent.position.is_(None))
            .order_by(AuditEvent.seq)
            .limit(batch)
        )
    ).all()
    now = utcnow()
    position, prev = end.position, end.hash
    signed_at, signed_at_time = (last.position, last.at) if last else (0, None)
    changes: list[dict[str, Any]] = []
    made: list[Checkpoint] = []

    def sign_here() -> None:
        nonlocal signed_at, signed_at_time
        assert key is not None
        made.append(
            Checkpoint.sign(key, position=position, hash=prev, at=now, previous=signed_at, every=policy.every)
        )
        signed_at, signed_at_time = position, now

    for row in rows:
        position += 1
        current = digest(prev, row.at, row.actor_id, row.action, row.subject, row.data)
        changes.append({"seq": row.seq, "position": position, "prev_hash": prev, "hash": current})
        prev = current
        if sign and position - signed_at >= policy.every:
            sign_here()
    if changes:
        await session.execute(update(AuditEvent), changes)
    stale = signed_at_time is None or now - signed_at_time >= policy.interval
    if sign and position > signed_at and stale:
        sign_here()
    session.add_all(checkpoint.row() for checkpoint in made)
    return Linked(len(changes), made, refused=refused)


async def link(db: Database, key: SigningKey | None, policy: Policy, *, wait: bool = True) -> Linked:
    """Link every committed event not linked yet, a batch per short transaction."""
    total = Linked()
    while True:
        async with db.transaction() as session:
            linked = await link_batch(session, key, policy, wait=wait)
        total.events += linked.events
        total.checkpoints += linked.checkpoints
        total.busy = linked.busy
        total.refused = linked.refused
        if linked.busy or linked.events < BATCH:
            return total


async def sign_head(db: Database, key: SigningKey, policy: Policy) -> Checkpoint:
    """Link what is committed, then a checkpoint of the head now (the one already there if the head has
    one): an operator's act, which may vouch for a chain that has no checkpoint yet, however long.
    BadInput for an empty chain; Conflict when the chain no longer holds its last checkpoint or stored
    checkpoints are missing after it."""
    await link(db, key, policy)
    async with db.transaction() as session:
        await _lock(session, wait=True)
        end = await head(session)
        if end.position == 0:
            raise BadInput("The audit log is empty: there is nothing to sign yet.")
        last = await last_checkpoint(session)
        if last is not None and last.position == end.position and last.hash == end.hash:
            return last
        refused = await _refusal(session, end, last, policy.every)
        if refused is not None and last is not None:
            raise Conflict(refused[0].upper() + refused[1:] + ".")
        made = Checkpoint.sign(
            key,
            position=end.position,
            hash=end.hash,
            at=utcnow(),
            previous=last.position if last else 0,
            every=policy.every,
        )
        session.add(made.row())
    return made
