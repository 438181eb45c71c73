"""Carrying room traffic between server processes through Redis pub/sub."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Protocol

import redis.asyncio as aioredis
from redis.asyncio.client import PubSub

log = logging.getLogger("warroom.sync.fanout")

KIND_UPDATE = b"u"
KIND_AWARENESS = b"a"

# A message handler receives (kind, payload) published by another server for one case.
Handler = Callable[[bytes, bytes], None]


class Fanout(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def subscribe(self, case_id: str, handler: Handler) -> None: ...
    async def unsubscribe(self, case_id: str) -> None: ...
    def publish(self, case_id: str, kind: bytes, payload: bytes) -> None: ...


class LocalFanout:
    """One process holds every room: nothing to carry."""

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def subscribe(self, case_id: str, handler: Handler) -> None:
        return None

    async def unsubscribe(self, case_id: str) -> None:
        return None

    def publish(self, case_id: str, kind: bytes, payload: bytes) -> None:
        return None


class RedisFanout:
    """Publishes each durable update and awareness change; applies what other servers publish.

    Frames are `server id (16 bytes) + kind (1 byte) + payload`; a server ignores its own.
    Publishing is queued and pipelined, so a broadcast never waits on Redis.
    """

    def __init__(self, url: str, prefix: str = "warroom") -> None:
        self._url = url
        self._prefix = prefix
        self._server_id = os.urandom(16)
        self._redis: aioredis.Redis | None = None
        self._pubsub: PubSub | None = None
        self._handlers: dict[str, Handler] = {}
        self._outbox: list[tuple[str, bytes]] = []
        self._wakeup = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def _channel(self, case_id: str) -> str:
        return f"{self._prefix}:room:{case_id}"

    async def start(self) -> None:
        self._redis = aioredis.Redis.from_url(self._url)
        await self._redis.ping()
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        # A pubsub connection must subscribe to something before it can be listened to.
        await self._pubsub.subscribe(f"{self._prefix}:hello")
        self._tasks = [
            asyncio.create_task(self._listen(), name="fanout-listen"),
            asyncio.create_task(self._send(), name="fanout-send"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
        if self._redis is not None:
            await self._redis.aclose()

    async def subscribe(self, case_id: str, handler: Handler) -> None:
        assert self._pubsub is not None
        self._handlers[case_id] = handler
        await self._pubsub.subscribe(self._channel(case_id))

    async def unsubscribe(self, case_id: str) -> None:
        assert self._pubsub is not None
        self._handlers.pop(case_id, None)
        await self._pubsub.unsubscribe(self._channel(case_id))

    def publish(self, case_id: str, kind: bytes, payload: bytes) -> None:
        self._outbox.append((self._channel(case_id), self._server_id + kind + payload))
        self._wakeup.set()

    async def _send(self) -> None:
        assert self._redis is not None
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._outbox:
                batch, self._outbox = self._outbox, []
                try:
                    async with self._redis.pipeline(transaction=False) as pipe:
                        for channel, frame in batch:
                            pipe.publish(channel, frame)
                        await pipe.execute()
                except Exception as exc:  # noqa: BLE001 - Redis down must not stop local rooms
                    # Other servers recover from the database when they next sync; keep going.
                    log.error("publishing %d frames failed: %s", len(batch), exc)
                    await asyncio.sleep(0.5)

    async def _listen(self) -> None:
        assert self._pubsub is not None
        prefix = f"{self._prefix}:room:".encode()
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except Exception as exc:  # noqa: BLE001 - keep listening through Redis hiccups
                log.error("reading from Redis failed: %s", exc)
                await asyncio.sleep(0.5)
                continue
            if message is None or message.get("type") != "message":
                continue
            channel: bytes = message["channel"]
            frame: bytes = message["data"]
            if frame[:16] == self._server_id or not channel.startswith(prefix):
                continue
            handler = self._handlers.get(channel[len(prefix) :].decode())
            if handler is not None:
                try:
                    handler(frame[16:17], frame[17:])
                except Exception:
                    log.exception("applying a fanned-out frame failed")
