"""Events reach subscribers on this server at once, and on another server through Redis."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from server.infra.events import EventBus
from server.infra.pubsub import LocalPubSub, RedisPubSub
from tests.support.services import REDIS_URL, require_redis


async def _next(events: AsyncIterator[dict[str, object]]) -> dict[str, object]:
    return await asyncio.wait_for(anext(events), 5)


async def test_local_subscribers_get_events_of_their_topic_only() -> None:
    bus = EventBus(LocalPubSub())
    async with bus.subscribe("case:1") as mine, bus.subscribe("case:2") as other:
        bus.publish("case:1", {"kind": "ADDED", "n": 1})
        assert await _next(mine) == {"kind": "ADDED", "n": 1}
        bus.publish("case:2", {"kind": "ADDED", "n": 2})
        assert await _next(other) == {"kind": "ADDED", "n": 2}


@pytest.fixture
async def two_servers() -> AsyncIterator[tuple[EventBus, EventBus]]:
    require_redis()
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    one, two = RedisPubSub(REDIS_URL, prefix), RedisPubSub(REDIS_URL, prefix)
    await one.start()
    await two.start()
    yield EventBus(one), EventBus(two)
    await one.stop()
    await two.stop()


async def test_events_cross_servers_once(two_servers: tuple[EventBus, EventBus]) -> None:
    one, two = two_servers
    async with one.subscribe("t") as on_one, two.subscribe("t") as on_two:
        await asyncio.sleep(0.1)  # Redis confirms the subscription asynchronously
        one.publish("t", {"n": 1})
        two.publish("t", {"n": 2})
        assert [await _next(on_one), await _next(on_one)] == [{"n": 1}, {"n": 2}]
        assert [await _next(on_two), await _next(on_two)] == [{"n": 2}, {"n": 1}]
        one.publish("t", {"n": 3})
        assert await _next(on_one) == {"n": 3}
        assert await _next(on_two) == {"n": 3}
