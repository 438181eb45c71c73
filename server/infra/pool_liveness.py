"""Pooled PostgreSQL connections checked cheaply before use, instead of a ping per checkout.

SQLAlchemy's `pool_pre_ping` sends a query before every checkout; through asyncpg outside autocommit it
is three round trips (BEGIN, `;`, ROLLBACK), paid by every request and every group commit. A connection
that PostgreSQL closed (a restart, `pg_terminate_backend`, an idle timeout) is seen by asyncpg as soon as
the event loop reads the close, while it waits in the pool, so `is_closed()` answers without a round trip.
Only a connection idle longer than `idle_ping_seconds` is pinged: a link that died silently (no close ever
arrived) can only be one that has not been used for a while.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine

IDLE_PING_SECONDS = 10.0
_IDLE_SINCE = "warroom_idle_since"


def check_on_checkout(engine: AsyncEngine, *, idle_ping_seconds: float = IDLE_PING_SECONDS) -> None:
    """Replace a pooled connection that is closed, or that fails a ping after a long idle time."""
    sync_engine = engine.sync_engine

    def checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        driver = record.driver_connection
        is_closed = getattr(driver, "is_closed", None)
        if is_closed is not None and is_closed():
            raise DisconnectionError("the database closed this pooled connection")
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is not None and time.monotonic() - idle_since > idle_ping_seconds:
            try:
                sync_engine.dialect.do_ping(dbapi_connection)
            except Exception as exc:  # any failure means the link is gone
                raise DisconnectionError(f"a pooled connection failed its ping: {exc}") from exc

    event.listen(sync_engine.pool, "checkin", checkin)
    event.listen(sync_engine.pool, "checkout", checkout)
