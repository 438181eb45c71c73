"""Attempt budgets: the same behaviour in memory and in a real Redis, on a clock the test moves."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest

from server.infra.throttle import Budget, MemoryThrottle, RedisThrottle, Throttle, hashed
from tests.support.services import REDIS_URL, require_redis

BUDGET = Budget(free=3, window=60.0, first_delay=1.0, max_delay=10.0)
WIDE = Budget(free=6, window=60.0, first_delay=1.0, max_delay=10.0)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["memory", "redis"])
async def make_throttle(
    request: pytest.FixtureRequest, clock: Clock
) -> AsyncIterator[Callable[[], Throttle]]:
    """Throttles sharing one store (the same Redis prefix), as two servers would."""
    made: list[Throttle] = []
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    memory = MemoryThrottle(clock)

    def make() -> Throttle:
        if request.param == "memory":
            return memory
        require_redis()
        throttle = RedisThrottle(REDIS_URL, prefix, clock)
        made.append(throttle)
        return throttle

    yield make
    for throttle in made:
        await throttle.close()


async def test_free_attempts_then_doubling_waits_up_to_the_lock(
    make_throttle: Callable[[], Throttle], clock: Clock
) -> None:
    throttle = make_throttle()
    keys = [("k", BUDGET)]
    assert [await throttle.acquire(keys) for _ in range(2)] == [0.0, 0.0]
    assert await throttle.acquire(keys) == 0.0  # the third (last free) one: the next waits 1 s
    waits = []
    for _ in range(6):
        wait = await throttle.acquire(keys)
        waits.append(round(wait, 3))
        assert await throttle.acquire(keys) == pytest.approx(wait)  # refused: nothing more counted
        clock.now += wait
        assert await throttle.acquire(keys) == 0.0
    assert waits == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


async def test_refused_on_any_key_counts_on_none(make_throttle: Callable[[], Throttle], clock: Clock) -> None:
    throttle = make_throttle()
    for _ in range(3):
        assert await throttle.acquire([("account", BUDGET), ("address", WIDE)]) == 0.0
    assert await throttle.acquire([("account", BUDGET), ("address", WIDE)]) == pytest.approx(1.0)
    # the refusals above did not spend the address's budget: three more go through on another account
    for _ in range(3):
        assert await throttle.acquire([("other", BUDGET), ("address", WIDE)]) == 0.0
    assert await throttle.acquire([("third", BUDGET), ("address", WIDE)]) > 0


async def test_wait_tells_the_refusal_and_counts_nothing(
    make_throttle: Callable[[], Throttle], clock: Clock
) -> None:
    throttle, other = make_throttle(), make_throttle()
    assert await throttle.wait(["account", "address"]) == 0.0
    for _ in range(3):
        await throttle.acquire([("account", BUDGET), ("address", WIDE)])
    assert [await other.wait(["address"]) for _ in range(10)] == [0.0] * 10  # counted nothing
    assert await other.wait(["address", "account"]) == pytest.approx(1.0)
    assert await throttle.acquire([("account", BUDGET), ("address", WIDE)]) == pytest.approx(1.0)
    clock.now += 0.25
    assert await other.wait(["account"]) == pytest.approx(0.75)
    clock.now += 0.75
    assert await other.wait(["account", "address"]) == 0.0
    assert await throttle.acquire([("account", BUDGET), ("address", WIDE)]) == 0.0  # the fourth


async def test_forget_and_refund(make_throttle: Callable[[], Throttle]) -> None:
    throttle = make_throttle()
    for _ in range(3):
        await throttle.acquire([("k", BUDGET)])
    assert await throttle.acquire([("k", BUDGET)]) > 0
    await throttle.forget("k")
    assert await throttle.acquire([("k", BUDGET)]) == 0.0
    await throttle.acquire([("k", BUDGET)])
    await throttle.acquire([("k", BUDGET)])
    await throttle.refund("k", BUDGET)  # back below the free attempts: no wait
    assert await throttle.acquire([("k", BUDGET)]) == 0.0
    await throttle.refund("missing", BUDGET)


async def test_keys_are_forgotten_after_the_window(
    make_throttle: Callable[[], Throttle], clock: Clock
) -> None:
    throttle = make_throttle()
    for _ in range(3):
        await throttle.acquire([("k", BUDGET)])
    clock.now += BUDGET.window + 1
    if isinstance(throttle, RedisThrottle):
        return  # Redis expires keys on its own clock; the expiry it is given is checked below
    assert [await throttle.acquire([("k", BUDGET)]) for _ in range(3)] == [0.0, 0.0, 0.0]


async def test_servers_sharing_redis_share_the_counts(make_throttle: Callable[[], Throttle]) -> None:
    first, second = make_throttle(), make_throttle()
    for throttle in (first, second, first):
        assert await throttle.acquire([("k", BUDGET)]) == 0.0
    assert await second.acquire([("k", BUDGET)]) > 0


async def test_redis_keys_expire_and_name_no_email(clock: Clock) -> None:
    require_redis()
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    throttle = RedisThrottle(REDIS_URL, prefix, clock)
    key = hashed("login-account", "王芳@example.cn")
    assert "王芳" not in key
    try:
        await throttle.acquire([(key, BUDGET)])
        ttl = await throttle._redis.pttl(f"{prefix}:throttle:{key}")
        assert 59_000 < ttl <= 60_000
    finally:
        await throttle._redis.delete(f"{prefix}:throttle:{key}")
        await throttle.close()


def test_budget_delays() -> None:
    assert [BUDGET.delay(n) for n in range(1, 8)] == [0.0, 0.0, 1.0, 2.0, 4.0, 8.0, 10.0]
    assert BUDGET.delay(10_000) == 10.0
