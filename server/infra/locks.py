"""Named mutual exclusion: across the tasks of this process and, on PostgreSQL, across servers."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from server.infra.db import Database

log = logging.getLogger("warroom.locks")


def advisory_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for `name`."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


class NamedLocks:
    """`async with locks.hold(name)`: one holder of `name` at a time.

    On PostgreSQL a session advisory lock on a dedicated connection also excludes other servers;
    SQLite serves one process, so the local lock is all it needs.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._local: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, name: str) -> AsyncIterator[None]:
        lock = self._local.setdefault(name, asyncio.Lock())
        self._waiting[name] = self._waiting.get(name, 0) + 1
        try:
            async with lock:
                if self._db.is_sqlite:
                    yield
                else:
                    async with self._advisory(name):
                        yield
        finally:
            self._waiting[name] -= 1
            if not self._waiting[name]:
                del self._waiting[name]
                del self._local[name]

    @asynccontextmanager
    async def _advisory(self, name: str) -> AsyncIterator[None]:
        key = advisory_key(name)
        async with self._db.engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            await conn.commit()
            try:
                yield
            finally:
                try:
                    await asyncio.shield(conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key}))
                    await conn.commit()
                except BaseException:
                    # Never hand a connection that may still hold the lock back to the pool.
                    log.warning("closing a connection that could not release lock %s", name)
                    await conn.invalidate()
                    raise
