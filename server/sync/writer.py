"""Group commit of document updates: many updates, one transaction, then their callbacks."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from server.domain.documents import store as documents
from server.infra.histogram import Histogram
from server.models.base import utcnow
from server.sync.committers import Committer

log = logging.getLogger("warroom.sync.writer")

_MAX_BATCH = 500
_RETRY_FIRST = 0.05
_RETRY_MAX = 2.0


@dataclass
class _Pending:
    update: documents.NewUpdate
    on_durable: Callable[[], None]
    submitted: float


class UpdateWriter:
    """Stores updates in arrival order; calls each one's `on_durable` only after its commit.

    One writer per process: while a commit is in flight, new updates queue up and go together in
    the next transaction, so the commit rate stays bounded however many clients type.
    """

    def __init__(self, committer: Committer) -> None:
        self._committer = committer
        self._queue: list[_Pending] = []
        self._wakeup = asyncio.Event()
        self._submitted = 0
        self._durable = 0
        self._progress = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None
        self.commits = 0
        self.stored = 0
        # From an update's submission to its commit: what durability adds to every edit's latency.
        self.latency = Histogram(
            "warroom_doc_update_durable_seconds", "Time from receiving an update to its commit."
        )

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="update-writer")

    async def stop(self) -> None:
        """Store what is queued, then stop."""
        await self.flush()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self._committer.close()

    def submit(
        self, case_id: str, author_id: str | None, data: bytes, on_durable: Callable[[], None]
    ) -> None:
        """Queue one update; `on_durable` runs (in the event loop) once it is committed."""
        update = documents.NewUpdate(case_id=case_id, author_id=author_id, data=data, created_at=utcnow())
        self._queue.append(_Pending(update, on_durable, time.monotonic()))
        self._submitted += 1
        self._wakeup.set()

    @property
    def backlog(self) -> int:
        return self._submitted - self._durable

    async def flush(self) -> None:
        """Wait until everything submitted so far is committed."""
        target = self._submitted
        async with self._progress:
            await self._progress.wait_for(lambda: self._durable >= target)

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._queue:
                batch = self._queue[:_MAX_BATCH]
                del self._queue[:_MAX_BATCH]
                taken = len(batch)
                batch = await self._commit(batch)
                now = time.monotonic()
                for pending in batch:
                    self.latency.observe(now - pending.submitted)
                    try:
                        pending.on_durable()
                    except Exception:
                        log.exception("update callback failed")
                self._durable += taken
                async with self._progress:
                    self._progress.notify_all()

    async def _commit(self, batch: list[_Pending]) -> list[_Pending]:
        """Commit `batch`; returns the updates stored (all but those the database can never take)."""
        delay = _RETRY_FIRST
        while True:
            try:
                await self._committer.commit([p.update for p in batch])
            except IntegrityError:
                if len(batch) == 1:
                    # Its case was deleted: it can never be stored, and was never shown to anyone.
                    log.error("dropping an update of deleted case %s", batch[0].update.case_id)
                    return []
                stored: list[_Pending] = []
                for pending in batch:
                    stored += await self._commit([pending])
                return stored
            except Exception as exc:  # noqa: BLE001 - a database outage: wait and retry, whatever it was
                # Never drop an update: nobody has seen it yet, so waiting is safe; losing it is not.
                log.error("storing %d updates failed, retrying in %.2fs: %s", len(batch), delay, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, _RETRY_MAX)
                continue
            self.commits += 1
            self.stored += len(batch)
            return batch
