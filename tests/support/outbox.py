"""In-process jobs as a running server has them: with a dispatcher delivering what the test commits."""

from __future__ import annotations

from server.domain.job_registry import REGISTRY
from server.infra.config import Settings
from server.infra.db import Database
from server.infra.events import EventBus
from server.infra.job_queues import InProcessJobs
from server.infra.outbox import Dispatcher

_OPEN: list[Followups] = []


class Followups(InProcessJobs):
    """The real in-process job queue plus the real outbox dispatcher of a server process: jobs and events
    that committed transactions write are delivered, and `drain()` waits until they and everything they
    led to are done."""

    def __init__(self, db: Database, settings: Settings, events: EventBus | None = None) -> None:
        super().__init__(REGISTRY, db, settings, events)
        # One dispatcher per database, as one per server process: the newest hears of the commits.
        for earlier in _OPEN:
            if earlier.dispatcher.db is db:
                earlier.dispatcher.detach()
        self.dispatcher: Dispatcher = Dispatcher(db, self, events)
        self.dispatcher.start()
        self._closed = False
        _OPEN.append(self)

    async def drain(self) -> None:
        while True:
            await self.dispatcher.flush()
            await super().drain()
            await self.dispatcher.flush()
            if not self._running and not self._anonymous:
                return

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self.dispatcher.stop()
        self._hurry.set()
        await InProcessJobs.drain(self)
        await self.dispatcher.settle()


async def close_all() -> None:
    """Stop every dispatcher a test started (the `db` fixture does this at its end)."""
    while _OPEN:
        await _OPEN.pop().close()
