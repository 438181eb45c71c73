"""arq's WorkerSettings: `python -m server worker` (or `arq workers.settings.WorkerSettings`)."""

from __future__ import annotations

from typing import Any, ClassVar

from arq.connections import RedisSettings
from arq.cron import CronJob, cron
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from server.config import Settings
from server.db import Database
from server.domain.painpoint_config import PainPointConfig
from server.events import EventBus
from server.jobs import ArqJobs
from server.logs import configure_logging
from server.outbox import Dispatcher
from server.pubsub import create_pubsub
from workers.registry import FUNCTIONS

_settings = Settings.from_env()


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


def schedule(settings: Settings) -> list[CronJob]:
    """The schedule: every team's pain points re-clustered daily at WARROOM_RECLUSTER_AT (UTC; off: never)."""
    at = PainPointConfig.from_settings(settings).recluster_at
    if at is None:
        return []
    # unique: with several workers, one of them runs each occurrence
    return [cron("workers.painpoints.recluster_teams", hour=at.hour, minute=at.minute, second=0, unique=True)]


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
    await ctx["pubsub"].stop()
    await ctx["db"].dispose()


class WorkerSettings:
    functions: ClassVar[list[Any]] = list(FUNCTIONS.values())
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
