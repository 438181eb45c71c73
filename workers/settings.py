"""arq's WorkerSettings: `python -m server worker` (or `arq workers.settings.WorkerSettings`).

Only wiring: the job functions and their names come from the server (server/domain/job_registry.py).
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar, cast

from arq.connections import RedisSettings
from arq.cron import CronJob, cron
from arq.typing import WorkerCoroutine
from arq.worker import func
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server.domain import audit
from server.domain.job_registry import FUNCTIONS
from server.domain.painpoints.config import PainPointConfig
from server.domain.painpoints.jobs import recluster_teams
from server.infra.config import Settings
from server.infra.db import Database
from server.infra.events import EventBus
from server.infra.job_queues import ArqJobs
from server.infra.logs import configure_logging
from server.infra.outbox import Dispatcher
from server.infra.pubsub import create_pubsub

_settings = Settings.from_env()
log = logging.getLogger("warroom.worker")


async def startup(ctx: dict[str, Any]) -> None:
    configure_logging(_settings.log_level, _settings.log_format)
    ctx["settings"] = _settings
    ctx["db"] = Database.from_settings(_settings)
    ctx["jobs"] = ArqJobs(ctx["redis"], _settings.queue_name)
    # Jobs publish subscription events (points moved) that the servers deliver to their clients.
    ctx["pubsub"] = create_pubsub(_settings.redis_url, _settings.redis_prefix)
    await ctx["pubsub"].start()
    ctx["events"] = EventBus(ctx["pubsub"])
    ctx["shared"] = {}
    # The follow-ups that jobs write (points events, further jobs) are delivered from here.
    ctx["dispatcher"] = Dispatcher(ctx["db"], ctx["jobs"], ctx["events"])
    ctx["dispatcher"].start()
    # Links the audit events that jobs commit (and any left unlinked) and signs checkpoints, with the
    # servers' key. A worker never makes a key of its own: without one, the servers' sequencers link
    # what its jobs commit (within their poll), and nothing is signed by a key nobody else knows.
    key = audit.load_signing_key(_settings, create=False)
    ctx["audit"] = audit.Sequencer(ctx["db"], key, audit.Policy.from_settings(_settings)) if key else None
    if ctx["audit"] is not None:
        ctx["audit"].start()
    else:
        log.info("no audit signing key on this worker: the servers link its audit events")


def schedule(settings: Settings) -> list[CronJob]:
    """The schedule: every team's pain points re-clustered daily at WARROOM_RECLUSTER_AT (UTC; off: never)."""
    at = PainPointConfig.from_settings(settings).recluster_at
    if at is None:
        return []
    # unique: with several workers, one of them runs each occurrence
    return [
        cron(
            cast(WorkerCoroutine, recluster_teams),
            # arq's Redis key for each night's run, unchanged since the job lived in workers/: workers of two
            # versions during a deploy still run it once.
            name="cron:workers.painpoints.recluster_teams",  # (old name kept)
            hour=at.hour,
            minute=at.minute,
            second=0,
            unique=True,
        )
    ]


def worker_redis(url: str) -> RedisSettings:
    """Redis for the worker: while it is away (a restart, a failover) the worker waits and goes on, at start
    too, instead of exiting; what the servers committed meanwhile waits in their outboxes."""
    settings = RedisSettings.from_dsn(url)
    settings.conn_retries = 3600
    settings.retry_on_error = [RedisConnectionError, RedisTimeoutError, OSError]
    settings.retry = Retry(ExponentialBackoff(cap=5.0, base=0.2), -1)
    return settings


async def shutdown(ctx: dict[str, Any]) -> None:
    await ctx["dispatcher"].stop()
    await ctx["dispatcher"].settle()
    if ctx["audit"] is not None:
        await ctx["audit"].stop()
    await ctx["pubsub"].stop()
    await ctx["db"].dispose()


class WorkerSettings:
    # Registered under the names the enqueuers use (server.domain.job_names), not the functions' own.
    functions: ClassVar[list[Any]] = [
        func(cast(WorkerCoroutine, function), name=name) for name, function in FUNCTIONS.items()
    ]
    on_startup = startup
    on_shutdown = shutdown
    cron_jobs = schedule(_settings)
    redis_settings = worker_redis(_settings.redis_url or "redis://127.0.0.1:6379")
    queue_name = _settings.queue_name
    max_tries = 5
    # Job status people see lives in our `jobs` table; arq's stored results would only make it refuse
    # a job id (e.g. `compact:<case>`) for an hour after it last ran.
    keep_result = 0
    job_timeout = 3600
