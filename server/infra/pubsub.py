"""Messages between server processes: Redis pub/sub when configured, nothing to carry otherwise."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Protocol

import redis.asyncio as aioredis
from redis.asyncio.client import PubSub as RedisClientPubSub

log = logging.getLogger("warroom.pubsub")

# How long `subscribe` waits for Redis to confirm before going on without it.
_CONFIRM_SECONDS = 5.0

# Receives the payload another server published on a channel this server subscribed to.
Handler = Callable[[bytes], None]


class PubSub(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def subscribe(self, channel: str, handler: Handler) -> None: ...
    async def unsubscribe(self, channel: str) -> None: ...
    def publish(self, channel: str, payload: bytes) -> None: ...


class LocalPubSub:
    """A single process: every subscriber is local, so there is nothing to carry."""

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def subscribe(self, channel: str, handler: Handler) -> None:
        return None

    async def unsubscribe(self, channel: str) -> None:
        return None

    def publish(self, channel: str, payload: bytes) -> None:
        return None


class RedisPubSub:
    """One Redis connection pair per process: publishing is queued and pipelined, so a caller never
    waits on Redis; frames carry the sender's id, and a server ignores its own.
    """

    def __init__(self, url: str, prefix: str) -> None:
        self._url = url
        self._prefix = f"{prefix}:"
        self._server_id = os.urandom(16)
        self._redis: aioredis.Redis | None = None
        self._pubsub: RedisClientPubSub | None = None
        self._handlers: dict[str, Handler] = {}
        # Channels whose SUBSCRIBE Redis has not confirmed yet, and who waits for that.
        self._confirming: dict[bytes, list[asyncio.Future[None]]] = {}
        self._outbox: list[tuple[str, bytes]] = []
        self._wakeup = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._redis = aioredis.Redis.from_url(self._url)
        await self._redis.ping()
        # Subscribe confirmations are read too: `subscribe` returns once Redis has one.
        self._pubsub = self._redis.pubsub()
        # A pubsub connection must subscribe to something before it can be read.
        await self._pubsub.subscribe(f"{self._prefix}hello")
        self._tasks = [
            asyncio.create_task(self._listen(), name="pubsub-listen"),
            asyncio.create_task(self._send(), name="pubsub-send"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._pubsub is not None:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated
        if self._redis is not None:
            await self._redis.aclose()

    async def subscribe(self, channel: str, handler: Handler) -> None:
        """Receive the channel's messages; returns once Redis has confirmed, so that whatever any server
        publishes from then on arrives."""
        assert self._pubsub is not None, "start() first"
        self._handlers[channel] = handler
        name = (self._prefix + channel).encode()
        confirmed = asyncio.get_running_loop().create_future()
        waiting = self._confirming.setdefault(name, [])
        waiting.append(confirmed)
        try:
            await self._pubsub.subscribe(self._prefix + channel)
            await asyncio.wait_for(confirmed, _CONFIRM_SECONDS)
        except TimeoutError:
            log.warning("Redis did not confirm a subscription in time", extra={"channel": channel})
        finally:
            if confirmed in waiting:
                waiting.remove(confirmed)
            if not waiting and self._confirming.get(name) is waiting:
                del self._confirming[name]

    async def unsubscribe(self, channel: str) -> None:
        assert self._pubsub is not None, "start() first"
        self._handlers.pop(channel, None)
        await self._pubsub.unsubscribe(self._prefix + channel)

    def publish(self, channel: str, payload: bytes) -> None:
        self._outbox.append((self._prefix + channel, self._server_id + payload))
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
                except Exception as exc:  # noqa: BLE001 - Redis down must not stop local work
                    # Other servers catch up from the database when their clients next sync.
                    log.error("publishing %d frames failed: %s", len(batch), exc)
                    await asyncio.sleep(0.5)

    async def _listen(self) -> None:
        assert self._pubsub is not None
        prefix = self._prefix.encode()
        while True:
            try:
                message = await self._pubsub.get_message(timeout=1.0)
            except Exception as exc:  # noqa: BLE001 - keep listening through Redis hiccups
                log.error("reading from Redis failed: %s", exc)
                await asyncio.sleep(0.5)
                continue
            if message is None:
                continue
            if message.get("type") == "subscribe":
                for waiting in self._confirming.pop(message["channel"], []):
                    if not waiting.done():
                        waiting.set_result(None)
                continue
            if message.get("type") != "message":
                continue
            channel: bytes = message["channel"]
            frame: bytes = message["data"]
            if frame[:16] == self._server_id or not channel.startswith(prefix):
                continue
            handler = self._handlers.get(channel[len(prefix) :].decode())
            if handler is not None:
                try:
                    handler(frame[16:])
                except Exception:
                    log.exception("handling a message from %s failed", channel)


def create_pubsub(redis_url: str | None, prefix: str) -> PubSub:
    return RedisPubSub(redis_url, prefix) if redis_url else LocalPubSub()
