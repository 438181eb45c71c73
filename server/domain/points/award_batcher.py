"""Group commit for award jobs: the awards of the jobs a process runs at once share one transaction."""

from __future__ import annotations

import asyncio
import logging

from server.domain.points import awards
from server.domain.points.awards import AwardOutcome, AwardRequest
from server.infra.db import Database

log = logging.getLogger("warroom.jobs.points")

_MAX_BATCH = 500


class AwardBatcher:
    """One per process. While a batch commits, new awards queue up and go together in the next one, so
    the commit rate stays bounded however many award jobs run; each job still waits for its own commit.
    """

    def __init__(self, db: Database, max_batch: int = _MAX_BATCH) -> None:
        self._db = db
        self._max_batch = max_batch
        self._queue: list[tuple[AwardRequest, asyncio.Future[AwardOutcome]]] = []
        self._task: asyncio.Task[None] | None = None
        self.commits = 0

    async def award(self, request: AwardRequest) -> AwardOutcome:
        """Apply `request` in the next batch; returns once it is committed (or raises its error)."""
        future: asyncio.Future[AwardOutcome] = asyncio.get_running_loop().create_future()
        self._queue.append((request, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name="award-batcher")
        return await future

    async def _drain(self) -> None:
        while self._queue:
            batch = self._queue[: self._max_batch]
            del self._queue[: self._max_batch]
            await self._commit(batch)

    async def _commit(self, batch: list[tuple[AwardRequest, asyncio.Future[AwardOutcome]]]) -> None:
        try:
            async with self._db.transaction() as session:
                outcomes = await awards.award_many(session, [request for request, _ in batch])
        except Exception as error:  # noqa: BLE001 - handed to the job that caused it, below
            if len(batch) == 1:
                if not batch[0][1].done():
                    batch[0][1].set_exception(error)
                return
            # One bad award must not fail the others: retry them one by one to find it.
            log.warning("an award batch of %d failed (%s); applying one by one", len(batch), error)
            for item in batch:
                await self._commit([item])
            return
        self.commits += 1
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if not future.done():  # its job may have been cancelled (a timeout) while waiting
                future.set_result(outcome)
