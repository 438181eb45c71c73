"""How the update writer commits a batch: in the event loop for embedded SQLite, via the pool otherwise."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy.dialects import sqlite as sqlite_dialect

from server.domain.documents import store as documents
from server.infra.db import Database

log = logging.getLogger("warroom.sync.writer")

# Checkpoint the WAL from a thread after this many in-loop commits (about 4 MB of WAL at one page each).
_CHECKPOINT_EVERY = 1000

# When another connection holds the write lock: ask again this often, this many times (~20 ms in all),
# then hand the batch to the pool.
_RETRY_SECONDS = 0.0005
_RETRIES = 40

_INSERT = "INSERT INTO doc_updates (case_id, author_id, data, created_at, compacted) VALUES (?, ?, ?, ?, 0)"


class Committer(Protocol):
    async def commit(self, updates: Sequence[documents.NewUpdate]) -> None:
        """Store `updates` in one transaction; raise if that failed (nothing is then stored)."""

    async def close(self) -> None: ...


class PoolCommitter:
    """A Core insert on a pooled connection: PostgreSQL, or SQLite when every commit must fsync."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def commit(self, updates: Sequence[documents.NewUpdate]) -> None:
        async with self._db.engine.begin() as connection:
            await documents.append(connection, updates)

    async def close(self) -> None:
        return None


class InLoopSqliteCommitter:
    """Commits on a dedicated sqlite3 connection in the event loop itself.

    A WAL commit with synchronous=NORMAL takes ~10 µs, far less than handing the work to a thread
    (aiosqlite's several hops each wait for the GIL, which a busy loop holds for up to 5 ms: the p99 of
    every edit). It never waits for the write lock (busy_timeout=0): when another connection holds it,
    the batch goes through the pool instead. It never checkpoints in the loop either: a thread does.
    """

    def __init__(self, db: Database, path: str) -> None:
        self._path = path
        self._fallback = PoolCommitter(db)
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=0", "wal_autocheckpoint=0"):
            self._conn.execute(f"PRAGMA {pragma}")
        self._created_at: Callable[[Any], Any] = _bind_processor("created_at")
        self._since_checkpoint = 0
        self._checkpoint: asyncio.Task[None] | None = None
        self.fallbacks = 0
        self.retries = 0

    async def commit(self, updates: Sequence[documents.NewUpdate]) -> None:
        rows = [(u.case_id, u.author_id, u.data, self._created_at(u.created_at)) for u in updates]
        if not await self._begin():
            # Another connection keeps writing (a long job): wait for it off the loop.
            self.fallbacks += 1
            await self._fallback.commit(updates)
            return
        try:
            self._conn.executemany(_INSERT, rows)
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._since_checkpoint += 1
        if self._since_checkpoint >= _CHECKPOINT_EVERY and self._checkpoint is None:
            self._since_checkpoint = 0
            self._checkpoint = asyncio.create_task(asyncio.to_thread(_checkpoint, self._path))
            self._checkpoint.add_done_callback(self._checkpoint_done)

    async def _begin(self) -> bool:
        """Take the write lock. Other writers (a mutation, a snapshot job) hold it for a millisecond or
        so: ask again every `_RETRY_SECONDS`, letting the loop run meanwhile, rather than waiting in
        SQLite's busy handler (which sleeps 1, 2, 5, 10 ms...) on a pooled connection."""
        for attempt in range(_RETRIES + 1):
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                return True
            except sqlite3.OperationalError:
                if attempt == _RETRIES:
                    return False
                self.retries += 1
                await asyncio.sleep(_RETRY_SECONDS)
        return False

    def _checkpoint_done(self, task: asyncio.Task[None]) -> None:
        self._checkpoint = None
        if not task.cancelled() and task.exception() is not None:
            log.error("WAL checkpoint failed: %s", task.exception())

    async def close(self) -> None:
        if self._checkpoint is not None:
            await asyncio.gather(self._checkpoint, return_exceptions=True)
        await asyncio.to_thread(_checkpoint, self._path)
        self._conn.close()


def _bind_processor(column: str) -> Callable[[Any], Any]:
    """The value SQLAlchemy itself would store for `column` on SQLite (so the ORM reads it back)."""
    from server.models import DocUpdate

    dialect = sqlite_dialect.dialect()
    processor = DocUpdate.__table__.c[column].type.bind_processor(dialect)
    assert processor is not None
    return processor


def _checkpoint(path: str) -> None:
    # PASSIVE: copies what it can without blocking writers or readers.
    with sqlite3.connect(path, timeout=10) as conn:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


def create_committer(db: Database, synchronous: str) -> Committer:
    """In-loop for SQLite in NORMAL mode; the pool for PostgreSQL and for SQLite FULL (an fsync per commit
    would stall the loop).
    """
    url = db.engine.url
    if (
        url.get_backend_name() == "sqlite"
        and synchronous == "NORMAL"
        and url.database not in (None, "", ":memory:")
    ):
        return InLoopSqliteCommitter(db, str(url.database))
    return PoolCommitter(db)
