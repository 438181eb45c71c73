"""The database engine and sessions, the same code on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Executable, Row, event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from server.infra.config import Settings, float_setting
from server.infra.pool_liveness import check_on_checkout
from server.infra.speedups import SQLITE_READS, choose


def is_sqlite(url: str) -> bool:
    """True for the embedded SQLite database."""
    return url.startswith("sqlite")


SQLITE_SYNCHRONOUS = ("NORMAL", "FULL")


def _sqlite_pragmas(synchronous: str) -> Callable[[Any, Any], None]:
    def apply(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers run beside the one writer. With NORMAL a commit is in the WAL file before it
        # returns: it survives any crash of this process; only an OS crash or power cut can lose the last
        # commits (and connected y-websocket clients push those back when they reconnect). FULL adds an
        # fsync per commit.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    return apply


def create_engine(url: str, *, pool_size: int = 10, sqlite_synchronous: str = "NORMAL") -> AsyncEngine:
    """An async engine for `url` with the settings this project relies on."""
    if is_sqlite(url):
        if sqlite_synchronous not in SQLITE_SYNCHRONOUS:
            raise ValueError(f"sqlite_synchronous must be one of {SQLITE_SYNCHRONOUS}")
        path = sqlite_path(url)
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 10})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(sqlite_synchronous))
        return engine
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=pool_size)
    check_on_checkout(engine)
    return engine


def sqlite_path(url: str) -> str | None:
    """The file of an SQLite URL; None for other databases and in-memory SQLite."""
    if not is_sqlite(url):
        return None
    path = url.split("///", 1)[-1].split("?", 1)[0]
    return path if path and path != ":memory:" else None


def _in_loop_reads() -> Callable[[str], Callable[[], Any]]:
    from server.infra import sqlite_reads

    sqlite_reads.check_internals()
    return sqlite_reads.connector


def create_read_engine(
    engine: AsyncEngine, *, pool_size: int = 10, in_loop: bool = True
) -> AsyncEngine | None:
    """The engine of short GraphQL reads beside `engine`: for an SQLite file, read-only connections that
    run in the event loop (server/infra/sqlite_reads.py); for PostgreSQL, `engine`'s pool in autocommit (each
    statement its own snapshot, as in READ COMMITTED, without the BEGIN and ROLLBACK round trips); None
    for in-memory SQLite, whose reads share the main engine, and for an SQLite file when the in-loop
    reads are switched off (`in_loop`) or do not fit the installed SQLAlchemy."""
    if engine.dialect.name != "sqlite":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    path = engine.url.database
    if not path or path == ":memory:":
        return None
    connector = choose(SQLITE_READS, in_loop, _in_loop_reads)
    if connector is None:
        return None
    # The file's URL, though the connector opens it: what is cached per database (the knowledge vectors)
    # is keyed by the engine's URL, the same for the reads as for the writes.
    return create_async_engine(
        engine.url,
        async_creator=connector(path),
        poolclass=AsyncAdaptedQueuePool,
        pool_size=pool_size,
        max_overflow=pool_size,
    )


async def core_rows(
    session: AsyncSession, statement: Executable, params: dict[str, Any] | None = None
) -> Sequence[Row[*tuple[Any, ...]]]:
    """Every row of a Core statement, run on the session's connection: none of the ORM's per-statement
    work (for the pages a view lists on every load)."""
    connection = await session.connection()
    return (await connection.execute(statement, params or {})).all()


# Where each session's `info` holds how long the outbox rows it writes stay this process's to deliver.
OUTBOX_LEASE = "outbox_lease"
OUTBOX_LEASE_SECONDS = 10.0


class Database:
    """The engine plus session factories; one per process."""

    def __init__(
        self,
        engine: AsyncEngine,
        read_engine: AsyncEngine | None = None,
        *,
        outbox_lease_seconds: float = OUTBOX_LEASE_SECONDS,
    ) -> None:
        self.engine = engine
        self.read_engine = read_engine
        self.outbox_lease = timedelta(seconds=outbox_lease_seconds)
        """How long another process waits before it delivers an outbox row this one committed or took."""
        self.sessions = async_sessionmaker(
            engine, expire_on_commit=False, info={OUTBOX_LEASE: self.outbox_lease}
        )
        self.reads = async_sessionmaker(read_engine or engine, expire_on_commit=False)
        """Sessions that only read: in the event loop on SQLite, autocommit on PostgreSQL."""
        self.committed: list[Callable[[AsyncSession], None]] = []
        """Called with the session after each `transaction()` commits (the outbox dispatcher listens)."""

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        url = settings.database_url
        engine = create_engine(url, sqlite_synchronous=settings.sqlite_synchronous)
        lease = float_setting(
            settings.extra, "WARROOM_OUTBOX_LEASE_SECONDS", OUTBOX_LEASE_SECONDS, minimum=1.0
        )
        return cls(
            engine, create_read_engine(engine, in_loop=settings.fast_sqlite_reads), outbox_lease_seconds=lease
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One session in one transaction: committed on success, rolled back on error."""
        async with self.sessions() as session:
            async with session.begin():
                yield session
            for listener in self.committed:
                listener(session)

    async def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        read = self.read_engine
        if read is not None and read.sync_engine.pool is not self.engine.sync_engine.pool:
            await read.dispose()
