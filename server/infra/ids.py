"""Time-ordered identifiers for public entities."""

from __future__ import annotations

import os
import threading
import time
import uuid
import zlib

_RANDOM = 74  # random bits of a UUIDv7: 12 of rand_a, 62 of rand_b
_lock = threading.Lock()
_last = 0  # the last id this process made, as an integer


def new_id() -> str:
    """A UUIDv7 string: sorts by creation time, unguessable in its 74 random bits.

    Ids made in one process are strictly increasing, within a millisecond too (RFC 9562 §6.2, method 2:
    the previous id's random bits plus a random step of up to 2**48), so ordering by id is ordering by
    when they were made: "newest first" lists and cursors agree with the order of creation even for rows
    one transaction makes together. A clock that steps back does not break the order either.
    """
    global _last
    with _lock:
        value = _compose(time.time_ns() // 1_000_000, int.from_bytes(os.urandom(10), "big") >> 6)
        if value <= _last:
            value = _after(_last, int.from_bytes(os.urandom(6), "big") + 1)
        _last = value
    return str(uuid.UUID(int=value))


def _compose(millis: int, random: int) -> int:
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= ((random >> 62) & 0xFFF) << 64
    value |= 0b10 << 62  # RFC 4122 variant
    return value | (random & ((1 << 62) - 1))


def _after(last: int, step: int) -> int:
    """The id `step` past `last` in its millisecond's random bits (the next millisecond when they run out)."""
    millis = last >> 80
    random = (((last >> 64) & 0xFFF) << 62 | (last & ((1 << 62) - 1))) + step
    if random >> _RANDOM:
        millis, random = millis + 1, step
    return _compose(millis, random)


def is_id(value: str) -> bool:
    """True when `value` has the shape of an id (anything else can never match a row)."""
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return len(value) == 36


def spread_of(value: str, span: float) -> float:
    """A point from 0 to `span` fixed by `value`, the same in every process (crc32, not `hash`).

    It spreads per-case timers (heatmap windows) so that cases busy together do not fire together."""
    return zlib.crc32(value.encode()) / 2**32 * span
