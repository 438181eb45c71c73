"""Domain events for GraphQL subscriptions: delivered to this process's subscribers and, through
pub/sub, to every other server's.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from server.infra.pubsub import PubSub

log = logging.getLogger("warroom.events")

Event = dict[str, Any]

# A subscriber that falls this far behind is dropped rather than let memory grow.
_MAX_QUEUED = 1000
# Events from the outbox carry their row's id under this key; a subscriber drops an id it already had (the
# outbox delivers at least once), remembering this many.
OUTBOX_ID = "outboxId"
_REMEMBERED = 4096


class EventBus:
    """`publish(topic, event)` reaches every `subscribe(topic)` on any server; events are JSON objects."""

    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub
        self._queues: dict[str, set[asyncio.Queue[Event | None]]] = {}
        # Set once the topic's pub/sub subscription is confirmed: from then on other servers' events arrive.
        self._listening: dict[str, asyncio.Event] = {}
        # Subscribers that events published on any server reach now (on /metrics).
        self.subscriptions = 0
        # Process-wide handlers (`listen`), called for every event of their topic; not subscribers.
        self._handlers: dict[str, list[Callable[[Event], None]]] = {}

    def publish(self, topic: str, event: Event) -> None:
        """Deliver to local subscribers now and to other servers through pub/sub."""
        self._deliver(topic, event)
        self._pubsub.publish(f"events:{topic}", json.dumps(event, default=str).encode())

    def _deliver(self, topic: str, event: Event) -> None:
        for handler in self._handlers.get(topic, ()):
            try:
                handler(event)
            except Exception:
                log.exception("an event handler failed", extra={"topic": topic})
        for queue in list(self._queues.get(topic, ())):
            if queue.qsize() >= _MAX_QUEUED:
                log.warning("dropping a subscriber that stopped reading", extra={"topic": topic})
                queue.put_nowait(None)
                self._queues[topic].discard(queue)
            else:
                queue.put_nowait(event)

    def _remote(self, topic: str, payload: bytes) -> None:
        self._deliver(topic, json.loads(payload))

    @asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[Event]]:
        """An iterator of the topic's events from now on, for the duration of the block.

        The block starts once events published on any server reach it.
        """
        queue: asyncio.Queue[Event | None] = asyncio.Queue()
        self._queues.setdefault(topic, set()).add(queue)
        counted = False
        try:
            await self._listen(topic)
            self.subscriptions += 1
            counted = True

            async def events() -> AsyncIterator[Event]:
                seen: dict[object, None] = {}
                while (event := await queue.get()) is not None:
                    key = event.get(OUTBOX_ID)
                    if key is not None:
                        if key in seen:
                            continue  # delivered again after a dispatcher stopped before recording it
                        seen[key] = None
                        if len(seen) > _REMEMBERED:
                            del seen[next(iter(seen))]
                    yield event

            yield events()
        finally:
            if counted:
                self.subscriptions -= 1
            subscribers = self._queues.get(topic)
            if subscribers is not None:
                subscribers.discard(queue)
                if not subscribers:
                    del self._queues[topic]
                    if topic not in self._handlers:
                        self._listening.pop(topic, None)
                        await self._pubsub.unsubscribe(f"events:{topic}")

    async def listen(self, topic: str, handler: Callable[[Event], None]) -> None:
        """Call `handler` with every event of `topic` from any server, for the life of the process; returns
        once events published elsewhere reach it. For the server's own machinery (not counted on /metrics)."""
        self._handlers.setdefault(topic, []).append(handler)
        await self._listen(topic)

    async def _listen(self, topic: str) -> None:
        """Return once the topic's pub/sub subscription is confirmed; its first subscriber makes it."""
        listening = self._listening.get(topic)
        if listening is not None:
            await listening.wait()
            return
        listening = self._listening[topic] = asyncio.Event()
        try:
            await self._pubsub.subscribe(f"events:{topic}", lambda payload: self._remote(topic, payload))
        finally:
            listening.set()
