"""The arq worker that `python -m server worker` runs: arq's, except that Redis going away mid-poll does not
end it.

arq starts a job under a WATCH on its in-progress key. When Redis goes away between the WATCH and the
transaction (a restart, a failover), redis-py cannot retry, since the watch died with the connection: it
raises WatchError, which arq's poll loop does not catch, and the worker exits with the slot it took for the
job still counted. Here that slot is given back and the loop polls again, waiting for Redis as every other
call of the worker does (`worker_redis` in settings.py); the job stays queued and starts at a later poll.
"""

from __future__ import annotations

import logging
from typing import Any, cast

from arq.worker import Worker as ArqWorker
from arq.worker import get_kwargs
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.exceptions import WatchError

log = logging.getLogger("warroom.worker")

# Redis away or restarting (its own errors, and what a socket raises beneath them)
REDIS_AWAY = (WatchError, RedisConnectionError, RedisTimeoutError, OSError)


class Worker(ArqWorker):
    async def start_jobs(self, job_ids: list[bytes]) -> None:
        for job_id in job_ids:
            try:
                await super().start_jobs([job_id])
            except REDIS_AWAY:
                # arq took a slot before its first Redis call for this job; the job itself stays queued
                self.job_counter -= 1
                self.sem.release()
                raise

    async def _poll_iteration(self) -> None:
        try:
            await super()._poll_iteration()
        except REDIS_AWAY as error:
            log.warning("Redis went away while polling for jobs; polling again: %s", error)


def run(settings_cls: type) -> None:
    """arq's run_worker, with this Worker."""
    Worker(**cast(dict[str, Any], get_kwargs(settings_cls))).run()
