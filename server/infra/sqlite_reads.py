"""Read-only SQLite connections that run in the event loop, for the short reads of GraphQL queries.

aiosqlite runs every call (connect, execute, fetch, rollback, close) on a thread of its own and wakes the
event loop for each answer; a query page that opens six sessions pays that about sixty times, and on a
busy loop each hop waits for the GIL. A WAL reader never waits for the writer, and the reads behind a
GraphQL request are small (pages are capped at 100 rows), so running them in the loop costs less than
handing them away. These connections only read (`PRAGMA query_only`): a write through them fails loudly
instead of taking the write lock in the loop. Writes keep going through the aiosqlite pool.

The classes speak the part of aiosqlite's API that SQLAlchemy's aiosqlite dialect uses; every
coroutine returns without suspending. `check_internals` holds what they rely on in that dialect; when it
fails, reads go through the aiosqlite pool like writes (server/infra/speedups.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from server.infra.speedups import require_members, require_version

# A reader can see SQLITE_BUSY only in rare moments (a WAL being reset or recovered): wait briefly.
_BUSY_TIMEOUT_MS = 200


def check_internals() -> None:
    """Raise `Incompatible` unless SQLAlchemy's aiosqlite dialect is the one these classes were made for."""
    require_version("SQLAlchemy", "2.0.40", "2.2")
    from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection

    # The adapter still reaches the driver's connection through the names InLoopConnection answers to.
    require_members(AsyncAdapt_aiosqlite_connection, "create_function", "_connection", "stop", "close")


class InLoopCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InLoopCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> InLoopCursor:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Sequence[Any]) -> InLoopCursor:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InLoopConnection:
    """A sqlite3 connection behind aiosqlite's coroutine API."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = conn

    @property
    def _connection(self) -> sqlite3.Connection | None:
        # SQLAlchemy's dialect skips commit/rollback once this is None (closed).
        return self._conn

    def _live(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("Connection closed")
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self._live().isolation_level

    def cursor(self) -> InLoopCursor:
        return InLoopCursor(self._live().cursor())

    async def commit(self) -> None:
        self._live().commit()

    async def rollback(self) -> None:
        self._live().rollback()

    async def create_function(self, name: str, nargs: int, func: Callable[..., Any], **kw: Any) -> None:
        self._live().create_function(name, nargs, func, **kw)

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def connector(path: str) -> Callable[[], Any]:
    """An `async_creator` for SQLAlchemy: opens a read-only in-loop connection to the file `path`."""

    async def connect() -> InLoopConnection:
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only=1")
        return InLoopConnection(conn)

    return connect
