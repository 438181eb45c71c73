"""Delivering the outbox: the jobs and events written by committed transactions (see server/domain/outbox.py).

One dispatcher per process (server or worker). It hears of the rows its own process committed at once, and
polls for rows nobody holds (their process died before delivering them, or a delivery failed and its
back-off ran out). A delivered row is deleted; a failed one waits longer each time (1 s, 2 s, 4 s, ...,
at most 5 min) and is tried again, for ever, with the error kept on the row. While a job runs in this
process the dispatcher renews its row's lease, so no other dispatcher starts it a second time.

Delivery is at least once: a process that dies after delivering and before deleting delivers again after
its restart. Jobs are idempotent; events carry `outboxId` and the event bus drops a repeat per subscriber.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.infra.db import OUTBOX_LEASE, OUTBOX_LEASE_SECONDS, Database
from server.infra.events import OUTBOX_ID, EventBus
from server.infra.job_queues import JobQueue
from server.models import OutboxKind, OutboxMessage
from server.models.base import utcnow

log = logging.getLogger("warroom.outbox")

# The row protocol the domain writes by (server/domain/outbox.py) and this module delivers by.
# How long the committing process keeps its rows to itself before any dispatcher may take them: the
# `Database`'s (WARROOM_OUTBOX_LEASE_SECONDS, 10 s by default), which its sessions carry in `info`.
LEASE = timedelta(seconds=OUTBOX_LEASE_SECONDS)
LEASE_INFO = OUTBOX_LEASE
# Where `session.info` lists the rows written in the session's transaction, for the dispatcher.
WRITTEN = "outbox"
# The key an event carries its row's id under.
EVENT_ID = OUTBOX_ID
# Where a job's payload holds the moment (ISO 8601) before which it must not run, if any.
NOT_BEFORE = "not_before"

MAX_BACKOFF_SECONDS = 300
RECORD_EVERY = 0.05
MAX_ERROR = 2000


def backoff(attempts: int) -> float:
    """Seconds before the next try of a row that failed `attempts` times."""
    return float(min(MAX_BACKOFF_SECONDS, 2 ** max(0, min(attempts - 1, 9))))


def written(session: AsyncSession) -> list[OutboxMessage]:
    """The rows this session's last transaction wrote (taken: a second call returns none)."""
    rows: list[OutboxMessage] = session.info.pop(WRITTEN, [])
    return rows


@dataclass(frozen=True)
class Message:
    id: int
    kind: OutboxKind
    name: str
    payload: dict[str, Any]
    attempts: int

    @classmethod
    def of(cls, row: OutboxMessage) -> Message:
        return cls(row.id, row.kind, row.name, row.payload, row.attempts)


class Dispatcher:
    """Delivers this process's committed outbox rows, and any row nobody holds (see the module docstring)."""

    def __init__(
        self,
        db: Database,
        jobs: JobQueue,
        events: EventBus | None,
        *,
        poll_seconds: float = 2.0,
        batch: int = 500,
    ) -> None:
        self.db = db
        self._jobs = jobs
        self._events = events
        self._poll_seconds = poll_seconds
        self._batch = batch
        self._ready: list[Message] = []
        self._wake = asyncio.Event()
        self._held: set[int] = set()  # taken by this dispatcher and not yet settled
        self._running: dict[int, asyncio.Task[None]] = {}  # job deliveries under way
        self._done: list[int] = []
        self._failed: list[tuple[Message, str]] = []
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.delivered = 0
        self.failures = 0

    def start(self) -> None:
        self.db.committed.append(self._committed)
        self._task = asyncio.create_task(self._loop(), name="outbox-dispatcher")

    def detach(self) -> None:
        """Stop hearing of this process's commits (another dispatcher takes over); rows taken stay taken."""
        if self._committed in self.db.committed:
            self.db.committed.remove(self._committed)

    async def stop(self) -> None:
        """Stop taking rows, deliver what was committed here, and record it. Jobs still running keep
        their rows (the next start delivers them again) unless the job queue finishes them first: call
        `settle()` after closing the queue."""
        self.detach()
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def settle(self) -> None:
        """Wait for the job deliveries under way and record their outcome (after the job queue closed)."""
        if self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)
        await self._record()

    async def flush(self) -> None:
        """Wait until what this process committed so far (and what delivering it led to) is delivered and
        recorded; a failed delivery counts as recorded (its row waits for its next try)."""
        while self._task is not None and (self._ready or self._running or self._done or self._failed):
            self._wake.set()
            await asyncio.sleep(0.01)

    @property
    def pending(self) -> int:
        """Rows taken and not yet recorded as delivered."""
        return len(self._held)

    def _committed(self, session: AsyncSession) -> None:
        rows = written(session)
        if rows:
            messages = [Message.of(row) for row in rows]
            self._held.update(message.id for message in messages)
            self._ready.extend(messages)
            self._wake.set()

    async def _loop(self) -> None:
        while True:
            try:
                await self._steps()
                return
            except Exception:
                # Never stop delivering: what was taken stays held and is tried again.
                log.exception("the outbox dispatcher failed; going on in a second")
                await asyncio.sleep(1.0)

    async def _steps(self) -> None:
        loop = asyncio.get_running_loop()
        next_poll = 0.0  # at once: rows left by a process that died
        lease = self.db.outbox_lease
        next_renewal = loop.time() + lease.total_seconds() / 3
        next_record = 0.0
        while True:
            wake_at = next_poll
            if self._done or self._failed:
                wake_at = min(wake_at, next_record)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.0, wake_at - loop.time()))
            self._wake.clear()
            claimed: list[Message] = []
            if not self._stopping and loop.time() >= next_poll:
                next_poll = loop.time() + self._poll_seconds
                claimed = await self._claim()
            # No await between taking the committed rows and handing them over: `flush` sees them throughout.
            messages, self._ready = self._ready + claimed, []
            self._deliver(messages)
            if loop.time() >= next_renewal:
                next_renewal = loop.time() + lease.total_seconds() / 3
                await self._renew()
            if self._stopping or loop.time() >= next_record:
                # Deliveries are recorded together, at most every RECORD_EVERY: under load one delete for
                # many commits instead of one each (a row's lease covers the wait many times over).
                next_record = loop.time() + RECORD_EVERY
                await self._record()
            if self._stopping and not self._ready:
                return  # what could not be recorded is delivered again after the restart

    async def _claim(self) -> list[Message]:
        """Take the due rows nobody holds (a lease each), oldest first."""
        now = utcnow()
        try:
            # A read first: most polls find nothing, and on SQLite an UPDATE would take the write lock.
            async with self.db.reads() as session:
                due = await session.scalar(
                    select(OutboxMessage.id).where(OutboxMessage.available_at <= now).limit(1)
                )
            if due is None:
                return []
            async with self.db.transaction() as session:
                ids = (
                    select(OutboxMessage.id)
                    .where(OutboxMessage.available_at <= now)
                    .order_by(OutboxMessage.id)
                    .limit(self._batch)
                    .with_for_update(skip_locked=True)
                )
                rows = await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(ids.scalar_subquery()))
                    .values(available_at=now + self.db.outbox_lease)
                    .returning(
                        OutboxMessage.id,
                        OutboxMessage.kind,
                        OutboxMessage.name,
                        OutboxMessage.payload,
                        OutboxMessage.attempts,
                    )
                )
                claimed = [Message(*row) for row in rows.all()]
        except Exception as error:  # noqa: BLE001 - the database away: poll again later
            log.error("reading the outbox failed: %s", error)
            return []
        fresh = [message for message in claimed if message.id not in self._held]
        self._held.update(message.id for message in fresh)
        if fresh:
            log.info("delivering %d outbox rows left undelivered", len(fresh))
        return sorted(fresh, key=lambda message: message.id)

    def _deliver(self, messages: list[Message]) -> None:
        for message in messages:
            if message.kind is OutboxKind.EVENT:
                try:
                    self._publish(message)
                except Exception as error:  # noqa: BLE001 - kept and tried again
                    self._failed.append((message, f"{type(error).__name__}: {error}"))
                else:
                    self._done.append(message.id)
            elif message.id not in self._running:
                task = asyncio.create_task(self._run_job(message), name=f"outbox-job-{message.name}")
                self._running[message.id] = task
                task.add_done_callback(functools.partial(self._finished, message.id))

    def _publish(self, message: Message) -> None:
        if self._events is not None:
            self._events.publish(message.name, {**message.payload, EVENT_ID: message.id})

    async def _run_job(self, message: Message) -> None:
        payload = message.payload
        try:
            await self._jobs.deliver(
                message.name,
                job_id=payload.get("job_id") or f"outbox:{message.id}",
                defer_by=_defer_by(payload),
                kwargs=dict(payload.get("kwargs") or {}),
            )
        except Exception as error:  # noqa: BLE001 - kept and tried again
            self._failed.append((message, f"{type(error).__name__}: {error}"))
        else:
            self._done.append(message.id)
        self._wake.set()

    def _finished(self, key: int, _task: asyncio.Task[None]) -> None:
        self._running.pop(key, None)

    async def _renew(self) -> None:
        """Extend the lease of the rows whose jobs still run here."""
        running = list(self._running)
        if not running:
            return
        try:
            async with self.db.transaction() as session:
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(running))
                    .values(available_at=utcnow() + self.db.outbox_lease)
                )
        except Exception as error:  # noqa: BLE001 - tried again at the next renewal
            log.error("renewing outbox leases failed: %s", error)

    async def _record(self) -> None:
        """Delete the delivered rows; move the failed ones later. Kept in memory until it succeeds."""
        # Copies: the lists stay filled until the outcome is stored, so `flush` waits for it.
        done, failed = list(self._done), list(self._failed)
        if not done and not failed:
            return
        now = utcnow()
        try:
            async with self.db.transaction() as session:
                if done:
                    await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(done)))
                for message, error in failed:
                    attempts = message.attempts + 1
                    await session.execute(
                        update(OutboxMessage)
                        .where(OutboxMessage.id == message.id)
                        .values(
                            attempts=attempts,
                            available_at=now + timedelta(seconds=backoff(attempts)),
                            last_error=error[:MAX_ERROR],
                        )
                    )
        except Exception as exc:  # noqa: BLE001 - the database away: record them next time
            log.error("recording %d outbox deliveries failed: %s", len(done) + len(failed), exc)
            await asyncio.sleep(0.5)
            return
        del self._done[: len(done)]
        del self._failed[: len(failed)]
        self._held.difference_update(done)
        self._held.difference_update(message.id for message, _ in failed)
        self.delivered += len(done)
        self.failures += len(failed)
        for message, error in failed:
            log.warning(
                "outbox delivery failed, trying again in %.0f s",
                backoff(message.attempts + 1),
                extra={"outbox_id": message.id, "outbox_name": message.name, "error": error[:300]},
            )


def _defer_by(payload: dict[str, Any]) -> float:
    """Seconds a job waits: what is left until its `not_before`, else its `defer_by`."""
    not_before = payload.get(NOT_BEFORE)
    if not_before:
        return max(0.0, (datetime.fromisoformat(not_before) - utcnow()).total_seconds())
    return float(payload.get("defer_by") or 0.0)


@asynccontextmanager
async def delivering(
    db: Database, jobs: JobQueue, events: EventBus | None = None
) -> AsyncIterator[Dispatcher]:
    """A dispatcher for a command or script: started now; at the end of the block it delivers what was
    committed, lets the job queue finish (`jobs.close()`) and records the outcome."""
    dispatcher = Dispatcher(db, jobs, events)
    dispatcher.start()
    try:
        yield dispatcher
    finally:
        await dispatcher.stop()
        await jobs.close()
        await dispatcher.settle()
