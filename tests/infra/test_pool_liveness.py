"""PostgreSQL: reads run in autocommit on the main pool, and a pooled connection that the server closed is
replaced on checkout, without a ping per checkout."""

import asyncio
from typing import Any

from sqlalchemy import text

from server.infra.config import Settings
from server.infra.db import Database
from server.infra.pool_liveness import check_on_checkout


async def _backend_pid(db: Database) -> int:
    async with db.reads() as session:
        return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_reads_share_the_pool_in_autocommit(postgres_url: str) -> None:
    db = Database.from_settings(Settings(database_url=postgres_url))
    try:
        assert db.read_engine is not None
        assert db.read_engine.sync_engine.pool is db.engine.sync_engine.pool
        xid = text("SELECT txid_current()")
        async with db.reads() as session:
            # No transaction was opened: each statement runs in one of its own.
            first = (await session.execute(xid)).scalar_one()
            assert (await session.execute(xid)).scalar_one() != first
        async with db.transaction() as session:
            # A write session checked out of the same pool is in one transaction again.
            first = (await session.execute(xid)).scalar_one()
            assert (await session.execute(xid)).scalar_one() == first
    finally:
        await db.dispose()


async def test_a_connection_closed_by_the_server_is_replaced(postgres_url: str) -> None:
    db = Database.from_settings(Settings(database_url=postgres_url))
    try:
        pid = await _backend_pid(db)
        assert await _backend_pid(db) == pid  # the pool hands the same connection back
        admin = Database.from_settings(Settings(database_url=postgres_url))
        try:
            async with admin.engine.connect() as conn:
                await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        finally:
            await admin.dispose()
        await asyncio.sleep(0.2)  # the close reaches the idle connection
        assert await _backend_pid(db) != pid  # replaced, and the read did not fail
    finally:
        await db.dispose()


async def test_a_long_idle_connection_is_pinged(postgres_url: str) -> None:
    db = Database.from_settings(Settings(database_url=postgres_url))
    pings = 0
    try:
        check_on_checkout(db.engine, idle_ping_seconds=0.05)
        dialect = db.engine.sync_engine.dialect
        real_ping = dialect.do_ping

        def counting_ping(dbapi_connection: Any) -> bool:
            nonlocal pings
            pings += 1
            return real_ping(dbapi_connection)

        dialect.do_ping = counting_ping  # type: ignore[method-assign]
        await _backend_pid(db)
        await _backend_pid(db)
        assert pings == 0  # a connection just used is not pinged
        await asyncio.sleep(0.1)
        await _backend_pid(db)
        assert pings == 1
    finally:
        await db.dispose()
