"""The sequencer: one per process (server or worker) that links committed audit events into the chain.

It hears of its own process's commits that appended events (`Database.committed`, as the outbox
dispatcher does) and links them at once; commits that arrive while it links are taken by its next
pass, so a burst costs a few linking transactions, not one each. Every `poll_seconds` it also looks
for events nobody linked (another process committed them and died, or a command ran outside
`Database.transaction`) and for a time-based checkpoint that is due; on PostgreSQL only the process
that wins `pg_try_advisory_xact_lock` does that work, so no leader is needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.audit.chain import APPENDED, Linked, head, last_checkpoint, link, unlinked
from server.domain.audit.checkpoints import Policy
from server.domain.audit.signing import SigningKey
from server.domain.audit.verification import AuditReport, require_auditor, verify
from server.infra.db import Database
from server.models import User
from server.models.base import utcnow

log = logging.getLogger("warroom.audit")


class Sequencer:
    """Links this process's audited commits at once and any others every `poll_seconds`."""

    def __init__(self, db: Database, key: SigningKey, policy: Policy, *, poll_seconds: float = 2.0) -> None:
        self.db = db
        self.key = key
        self.policy = policy
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._linking = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._refused: str | None = None
        self.linked = 0
        self.checkpoints = 0

    def start(self) -> None:
        self.db.committed.append(self._committed)
        self._task = asyncio.create_task(self._loop(), name="audit-sequencer")

    async def stop(self) -> None:
        """Stop, after linking what this process committed."""
        if self._committed in self.db.committed:
            self.db.committed.remove(self._committed)
        if self._task is not None:
            # Asked, not cancelled: a linking transaction cancelled on SQLite keeps the write lock until its
            # connection is collected (the last link below then waits out the busy timeout and fails), and
            # Python 3.11's wait_for may swallow a cancel that meets a wake-up (stop then waits a poll).
            self._stopping.set()
            self._wake.set()
            await self._task
            self._task = None
        try:
            await self.flush()
        except Exception as error:  # noqa: BLE001 - another process (or the next start) links them
            log.error("linking the audit events at shutdown failed: %s", error)

    async def flush(self) -> Linked:
        """Link every committed event now (waiting for another linker to finish first)."""
        return await self._link(wait=True)

    async def verify(self, viewer: User) -> AuditReport:
        """For an admin or legal: link what is committed, then check the whole chain with this key."""
        require_auditor(viewer)
        await self.flush()
        async with self.db.sessions() as session:
            return await verify(session, trusted=[self.key.public], every=self.policy.every)

    def _committed(self, session: AsyncSession) -> None:
        if session.info.pop(APPENDED, False):
            self._wake.set()

    async def _link(self, *, wait: bool) -> Linked:
        async with self._linking:
            linked = await link(self.db, self.key, self.policy, wait=wait)
        self.linked += linked.events
        self.checkpoints += len(linked.checkpoints)
        if not linked.busy and linked.refused != self._refused:
            # Said once, not at every commit; said again when it changes.
            self._refused = linked.refused
            if linked.refused is not None:
                log.error("not signing audit checkpoints: %s", linked.refused)
        return linked

    async def _due(self) -> bool:
        """Events wait to be linked, or the head moved past the last checkpoint longer ago than allowed."""
        async with self.db.reads() as session:
            if await unlinked(session):
                return True
            end = await head(session)
            last = await last_checkpoint(session)
        if last is None:
            return end.position > 0
        return end.position > last.position and utcnow() - last.at >= self.policy.interval

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._step()
            except Exception:
                # Never stop linking: what is not linked now is linked by a later pass.
                log.exception("linking the audit chain failed; trying again in a second")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), 1.0)

    async def _step(self) -> None:
        woken = True
        try:
            await asyncio.wait_for(self._wake.wait(), self._poll_seconds)
        except TimeoutError:
            woken = False
        if self._stopping.is_set():
            return  # `stop` links what is left
        self._wake.clear()
        if woken:
            # Our own commits: wait for a linker elsewhere rather than leave them for the next poll.
            await self._link(wait=True)
        elif await self._due():
            await self._link(wait=False)
