"""Events reach subscribers on this server at once, and on another server through Redis."""

import asyncio
import contextlib
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


async def test_subscriptions_count_the_subscribers_listening_now() -> None:
    bus = EventBus(LocalPubSub())
    async with bus.subscribe("case:1"), bus.subscribe("case:1"), bus.subscribe("case:2"):
        assert bus.subscriptions == 3
    assert bus.subscriptions == 0
    async with bus.subscribe("case:1") as again:  # the topic is made again after its last subscriber left
        bus.publish("case:1", {"n": 1})
        assert await _next(again) == {"n": 1}


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
    # Entering a subscription waits for Redis's confirmation: an event published right then arrives.
    async with one.subscribe("t") as on_one, two.subscribe("t") as on_two:
        one.publish("t", {"n": 1})
        two.publish("t", {"n": 2})
        assert [await _next(on_one), await _next(on_one)] == [{"n": 1}, {"n": 2}]
        assert [await _next(on_two), await _next(on_two)] == [{"n": 2}, {"n": 1}]
        one.publish("t", {"n": 3})
        assert await _next(on_one) == {"n": 3}
        assert await _next(on_two) == {"n": 3}


async def test_subscribers_joining_together_both_wait_for_the_confirmation(
    two_servers: tuple[EventBus, EventBus],
) -> None:
    one, two = two_servers
    async with contextlib.AsyncExitStack() as stack:
        first, second = await asyncio.gather(
            stack.enter_async_context(two.subscribe("together")),
            stack.enter_async_context(two.subscribe("together")),
        )
        assert two.subscriptions == 2
        one.publish("together", {"n": 1})
        assert [await _next(first), await _next(second)] == [{"n": 1}, {"n": 1}]


async def test_a_handler_hears_its_topic_from_every_server_and_is_no_subscriber(
    two_servers: tuple[EventBus, EventBus],
) -> None:
    one, two = two_servers
    heard: list[object] = []
    await one.listen("sessions", lambda event: heard.append(event["n"]))
    assert one.subscriptions == 0
    async with one.subscribe("sessions") as stream:
        assert one.subscriptions == 1
        two.publish("sessions", {"n": 1})
        assert await _next(stream) == {"n": 1}
    # The last subscriber left; the handler still hears the topic.
    one.publish("sessions", {"n": 2})
    two.publish("sessions", {"n": 3})
    async with two.subscribe("sessions") as on_two:
        two.publish("sessions", {"n": 4})
        await _next(on_two)
    for _ in range(100):
        if len(heard) == 4:
            break
        await asyncio.sleep(0.02)
    assert heard == [1, 2, 3, 4]
