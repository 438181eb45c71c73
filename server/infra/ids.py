"""Time-ordered identifiers for public entities."""

from __future__ import annotations

import os
import time
import uuid
import zlib


def new_id() -> str:
    """A UUIDv7 string: sorts by creation time, unguessable in its 74 random bits."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 68) & 0xFFF) << 64
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


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
