"""Attempt budgets with exponential back-off: in memory for one server, in Redis shared by many.

A key (an account, a client address) gets `free` attempts; from then on each attempt makes the next
wait twice as long as the one before, from `first_delay` up to `max_delay` (a lock). An attempt is
counted when it is admitted, before the caller does the expensive work, so a concurrent burst is
bounded by the budget and not by how fast the work finishes. A key is forgotten `window` seconds
after its last attempt (or when its lock ends, if later).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio as aioredis

Clock = Callable[[], float]


@dataclass(frozen=True)
class Budget:
    free: int
    window: float
    first_delay: float
    max_delay: float

    def delay(self, count: int) -> float:
        """How long the attempt after the `count`-th must wait."""
        if count < self.free:
            return 0.0
        return min(self.first_delay * 2.0 ** min(count - self.free, 64), self.max_delay)

    def keep_for(self, count: int) -> float:
        return max(self.window, self.delay(count))


class Throttle(Protocol):
    async def acquire(self, keys: Sequence[tuple[str, Budget]]) -> float:
        """Admit one attempt on every key and return 0.0, or admit none and return the seconds to wait."""
        ...

    async def wait(self, keys: Sequence[str]) -> float:
        """The seconds `acquire` would ask to wait on these keys now (0.0: it would admit); counts nothing."""
        ...

    async def forget(self, key: str) -> None:
        """Clear a key (a success ends the back-off)."""
        ...

    async def refund(self, key: str, budget: Budget) -> None:
        """Give back the attempt `acquire` counted on `key`."""
        ...

    async def close(self) -> None: ...


def hashed(kind: str, value: str) -> str:
    """A key that names `value` without storing it (emails are personal data)."""
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


@dataclass
class _Entry:
    count: int
    next_at: float
    expires_at: float


class MemoryThrottle:
    """One process: the counts live in a dict, swept of expired keys as it grows."""

    SWEEP_EVERY = 1024

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._since_sweep = 0

    def _live(self, key: str, now: float) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at <= now:
            del self._entries[key]
            return None
        return entry

    async def acquire(self, keys: Sequence[tuple[str, Budget]]) -> float:
        now = self._clock()
        self._sweep(now)
        wait = self._wait([key for key, _ in keys], now)
        if wait > 0:
            return wait
        for key, budget in keys:
            entry = self._live(key, now) or _Entry(0, 0.0, 0.0)
            entry.count += 1
            entry.next_at = now + budget.delay(entry.count)
            entry.expires_at = now + budget.keep_for(entry.count)
            self._entries[key] = entry
        return 0.0

    async def wait(self, keys: Sequence[str]) -> float:
        return self._wait(keys, self._clock())

    def _wait(self, keys: Sequence[str], now: float) -> float:
        return max((e.next_at - now for k in keys if (e := self._live(k, now)) is not None), default=0.0)

    async def forget(self, key: str) -> None:
        self._entries.pop(key, None)

    async def refund(self, key: str, budget: Budget) -> None:
        entry = self._live(key, self._clock())
        if entry is None:
            return
        entry.count -= 1
        if entry.count <= 0:
            del self._entries[key]
        elif entry.count < budget.free:
            entry.next_at = 0.0

    async def close(self) -> None:
        self._entries.clear()

    def _sweep(self, now: float) -> None:
        self._since_sweep += 1
        if self._since_sweep >= self.SWEEP_EVERY:
            self._since_sweep = 0
            for key in [k for k, e in self._entries.items() if e.expires_at <= now]:
                del self._entries[key]


# KEYS: the counters. ARGV: now, then for each key: free, window, first delay, max delay.
# Checks every key first and counts on all or none, in one step, so servers never race.
_ACQUIRE = """
local now = tonumber(ARGV[1])
local wait = 0
for _, key in ipairs(KEYS) do
  local next_at = tonumber(redis.call('HGET', key, 'next') or '0')
  if next_at - now > wait then wait = next_at - now end
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  local b = 1 + (i - 1) * 4
  local free, window = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2])
  local first, longest = tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4])
  local count = redis.call('HINCRBY', key, 'count', 1)
  local delay = 0
  if count >= free then delay = math.min(first * 2 ^ math.min(count - free, 64), longest) end
  redis.call('HSET', key, 'next', tostring(now + delay))
  redis.call('PEXPIRE', key, math.ceil(math.max(window, delay) * 1000))
end
return '0'
"""

# KEYS: the counters. ARGV[1]: now. The longest wait among them, counting nothing.
_WAIT = """
local now = tonumber(ARGV[1])
local wait = 0
for _, key in ipairs(KEYS) do
  local next_at = tonumber(redis.call('HGET', key, 'next') or '0')
  if next_at - now > wait then wait = next_at - now end
end
return tostring(wait)
"""

# KEYS[1]: the counter. ARGV[1]: its free attempts.
_REFUND = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local count = redis.call('HINCRBY', KEYS[1], 'count', -1)
if count <= 0 then
  redis.call('DEL', KEYS[1])
elseif count < tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'next', '0')
end
return 0
"""


class RedisThrottle:
    """Many servers: the counts live in Redis hashes under `<prefix>:throttle:`, updated by Lua scripts."""

    def __init__(self, url: str, prefix: str, clock: Clock = time.time) -> None:
        self._redis = aioredis.Redis.from_url(url)
        self._prefix = f"{prefix}:throttle:"
        self._clock = clock
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._refund = self._redis.register_script(_REFUND)
        self._wait = self._redis.register_script(_WAIT)

    async def acquire(self, keys: Sequence[tuple[str, Budget]]) -> float:
        args: list[float] = [self._clock()]
        for _, budget in keys:
            args += [budget.free, budget.window, budget.first_delay, budget.max_delay]
        wait = await self._acquire(keys=[self._prefix + key for key, _ in keys], args=args)
        return max(0.0, float(wait))

    async def wait(self, keys: Sequence[str]) -> float:
        wait = await self._wait(keys=[self._prefix + key for key in keys], args=[self._clock()])
        return max(0.0, float(wait))

    async def forget(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def refund(self, key: str, budget: Budget) -> None:
        await self._refund(keys=[self._prefix + key], args=[budget.free])

    async def close(self) -> None:
        await self._redis.aclose()


def create_throttle(redis_url: str | None, prefix: str) -> Throttle:
    """Shared through Redis when the servers have one, in this process otherwise."""
    return RedisThrottle(redis_url, prefix) if redis_url else MemoryThrottle()
