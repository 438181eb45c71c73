"""The worker outlives Redis going away while it starts a job.

The fault is made certain by a TCP relay between the worker and a real Redis: it drops the worker's connection
at its first EXISTS after a WATCH, the moment arq checks a job's in-progress key. arq's own worker exits there.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
from arq import create_pool
from arq.connections import RedisSettings
from arq.typing import WorkerCoroutine
from arq.worker import func

from tests.support.services import REDIS_URL, require_redis
from workers.settings import worker_redis
from workers.worker import Worker

pytestmark = [pytest.mark.redis]


class Relay:
    """Forwards connections to Redis; drops the first one that sends EXISTS after WATCH, before forwarding it."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.dropped = 0
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"redis://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/0"

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, watch: bool) -> None:
        watching = False
        with suppress(ConnectionError):
            while data := await reader.read(65536):
                if watch:
                    watching = watching or b"\r\nWATCH\r\n" in data.upper()
                    if watching and self.dropped == 0 and b"\r\nEXISTS\r\n" in data.upper():
                        self.dropped += 1
                        break
                writer.write(data)
                await writer.drain()
        writer.close()  # the other side's pump then ends too

    async def _connection(
        self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        redis_reader, redis_writer = await asyncio.open_connection(*self.target)
        self.writers |= {client_writer, redis_writer}
        await asyncio.gather(
            self._pump(client_reader, redis_writer, watch=True),
            self._pump(redis_reader, client_writer, watch=False),
        )
        for writer in (client_writer, redis_writer):
            self.writers.discard(writer)
            with suppress(ConnectionError):
                await writer.wait_closed()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Relay]:
        self.server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        try:
            yield self
        finally:
            self.server.close()
            for writer in list(self.writers):
                writer.close()
            await self.server.wait_closed()


async def test_redis_dropping_the_connection_while_a_job_starts_leaves_the_worker_polling() -> None:
    require_redis()
    queue = f"test-worker-{uuid.uuid4().hex[:8]}"
    ran: list[int] = []

    async def record(_ctx: dict[str, Any], n: int) -> None:
        ran.append(n)

    target = urlsplit(REDIS_URL)
    direct = await create_pool(RedisSettings.from_dsn(REDIS_URL), default_queue_name=queue)
    async with Relay(target.hostname or "127.0.0.1", target.port or 6379).running() as relay:
        # one slot: a slot lost to the dropped connection would leave no job ever starting again
        worker = Worker(
            functions=[func(cast(WorkerCoroutine, record), name="record")], redis_settings=worker_redis(relay.url), queue_name=queue,
            max_jobs=1, poll_delay=0.05, keep_result=0, handle_signals=False,
        )  # fmt: skip
        running = asyncio.create_task(worker.async_run())
        try:
            await direct.enqueue_job("record", 1, _queue_name=queue)
            async with asyncio.timeout(20):
                while not ran:
                    assert not running.done(), running.exception()
                    await asyncio.sleep(0.05)
            assert relay.dropped == 1  # the fault did happen
            await direct.enqueue_job("record", 2, _queue_name=queue)
            async with asyncio.timeout(20):
                while len(ran) < 2:
                    assert not running.done(), running.exception()
                    await asyncio.sleep(0.05)
            assert ran == [1, 2]
        finally:
            running.cancel()
            with suppress(asyncio.CancelledError):
                await running
            # arq's close() calls a method redis-py deprecates
            await worker.pool.delete(worker.health_check_key)
            await worker.pool.aclose(close_connection_pool=True)
            await direct.delete(queue)
            await direct.aclose()
