"""Enqueueing background jobs: arq when Redis is configured, in-process tasks otherwise."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

from server.infra.config import Settings
from server.infra.db import Database
from server.infra.events import EventBus
from server.infra.job_context import JobRegistry

if TYPE_CHECKING:
    from server.infra.job_context import JobContext

log = logging.getLogger("warroom.jobs")


class JobQueue(Protocol):
    async def enqueue(
        self, name: str, /, *, job_id: str | None = None, defer_by: float = 0.0, **kwargs: Any
    ) -> None:
        """Run job `name` in the background, `defer_by` seconds from now; a job id already queued
        (deferred or not) or running is not queued again."""

    def enqueue_soon(
        self, name: str, /, *, job_id: str | None = None, defer_by: float = 0.0, **kwargs: Any
    ) -> None:
        """`enqueue` from synchronous code (fire and forget)."""

    async def deliver(self, name: str, /, *, job_id: str, defer_by: float, kwargs: dict[str, Any]) -> None:
        """Hand over a job from the outbox: returns once it is safe (queued where it survives this process,
        or run to the end in it); raises when it is not, so the outbox keeps it and tries again."""

    async def close(self) -> None: ...


class InProcessJobs:
    """Runs the same job functions as the arq worker, as tasks of this process (embedded default).

    The functions come from `registry`, handed over at start-up: this module knows no job by name.
    """

    def __init__(
        self, registry: JobRegistry, db: Database, settings: Settings, events: EventBus | None = None
    ) -> None:
        self._registry = registry
        self._db = db
        self._settings = settings
        self._events = events
        self._shared: dict[str, Any] = {}
        self._running: dict[str, asyncio.Task[Any]] = {}
        self._anonymous: set[asyncio.Task[Any]] = set()
        self._hurry = asyncio.Event()
        self._maintenance = asyncio.Semaphore(1)
        self.maintenance_running = 0
        """How many maintenance jobs run now (never more than one)."""

    async def enqueue(
        self, name: str, /, *, job_id: str | None = None, defer_by: float = 0.0, **kwargs: Any
    ) -> None:
        self.enqueue_soon(name, job_id=job_id, defer_by=defer_by, **kwargs)

    def enqueue_soon(
        self, name: str, /, *, job_id: str | None = None, defer_by: float = 0.0, **kwargs: Any
    ) -> None:
        self._start(name, job_id, defer_by, kwargs, raise_errors=False)

    async def deliver(self, name: str, /, *, job_id: str, defer_by: float, kwargs: dict[str, Any]) -> None:
        # In memory a queued job dies with the process: the outbox keeps the row until the job has run.
        await self._start(name, job_id, defer_by, kwargs, raise_errors=True)

    def _start(
        self, name: str, job_id: str | None, defer_by: float, kwargs: dict[str, Any], *, raise_errors: bool
    ) -> asyncio.Task[Any]:
        """The job's task: a new one, or the one of the same id already queued or running."""
        function = self._registry.functions[name]
        if job_id is not None and (running := self._running.get(job_id)) is not None:
            return running
        ctx: JobContext = {
            "db": self._db,
            "settings": self._settings,
            "jobs": self,
            "events": self._events,
            "shared": self._shared,
            "job_id": job_id or "",
            "job_try": 1,
        }
        # The coroutine is made when the job starts: a deferred job cancelled at exit leaves none unawaited.
        call = functools.partial(function, ctx, **kwargs)
        task = asyncio.create_task(self._run(name, call, defer_by, raise_errors), name=f"job-{name}")
        if job_id is not None:
            self._running[job_id] = task
            task.add_done_callback(lambda _t: self._running.pop(job_id, None))
        else:
            self._anonymous.add(task)
            task.add_done_callback(self._anonymous.discard)
        return task

    async def _run(
        self, name: str, call: Callable[[], Awaitable[Any]], defer_by: float, raise_errors: bool
    ) -> Any:
        if defer_by > 0 and not self._hurry.is_set():
            # At shutdown (`close`) deferred jobs run at once instead of being lost with the process.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._hurry.wait(), defer_by)
        try:
            if name not in self._registry.maintenance:
                return await call()
            async with self._maintenance:
                self.maintenance_running += 1
                try:
                    return await call()
                finally:
                    self.maintenance_running -= 1
        except Exception:
            log.exception("job %s failed", name)
            if raise_errors:
                raise
            return None

    async def drain(self) -> None:
        """Wait for every running job (used at shutdown and by tests)."""
        while self._running or self._anonymous:
            await asyncio.gather(*self._running.values(), *self._anonymous, return_exceptions=True)

    async def close(self) -> None:
        self._hurry.set()
        await self.drain()


class ArqJobs:
    """Queues jobs on Redis for `python -m server worker` processes."""

    def __init__(self, redis: ArqRedis, queue_name: str) -> None:
        self._redis = redis
        self._queue_name = queue_name
        self._pending: set[asyncio.Task[Any]] = set()

    @classmethod
    async def connect(cls, url: str, queue_name: str) -> ArqJobs:
        pool = await create_pool(RedisSettings.from_dsn(url), default_queue_name=queue_name)
        return cls(pool, queue_name)

    async def enqueue(
        self, name: str, /, *, job_id: str | None = None, defer_by: float = 0.0, **kwargs: Any
    ) -> None:
        await self._redis.enqueue_job(
            name, _job_id=job_id, _queue_name=self._queue_name, _defer_by=defer_by or None, **kwargs
        )

    def enqueue_soon(
        self, name: str, /, *, job_id: str | None = None, defer_by: float = 0.0, **kwargs: Any
    ) -> None:
        task = asyncio.create_task(self.enqueue(name, job_id=job_id, defer_by=defer_by, **kwargs))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def deliver(self, name: str, /, *, job_id: str, defer_by: float, kwargs: dict[str, Any]) -> None:
        # Queued on Redis, the job is the workers' to run (and retry): the outbox is done with it.
        await self.enqueue(name, job_id=job_id, defer_by=defer_by, **kwargs)

    async def close(self) -> None:
        await asyncio.gather(*self._pending, return_exceptions=True)
        await self._redis.aclose()


async def create_jobs(
    registry: JobRegistry, settings: Settings, db: Database, events: EventBus | None = None
) -> JobQueue:
    """arq when the operator asked for workers (Redis configured), in-process otherwise."""
    if settings.uses_arq and settings.redis_url is not None:
        return await ArqJobs.connect(settings.redis_url, settings.queue_name)
    return InProcessJobs(registry, db, settings, events)
