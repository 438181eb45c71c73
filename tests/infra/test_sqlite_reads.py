"""Read sessions on SQLite run in the event loop, see what was committed, and cannot write."""

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from server.infra.config import Settings
from server.infra.db import Database, create_engine, create_read_engine


async def test_reads_see_commits_and_never_suspend(sqlite_url: str) -> None:
    db = Database.from_settings(Settings(database_url=sqlite_url))
    try:
        assert db.read_engine is not None
        async with db.transaction() as session:
            await session.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
            await session.execute(text("INSERT INTO notes (body) VALUES ('first'), ('second')"))

        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0)

        ticker = asyncio.create_task(tick())
        await asyncio.sleep(0)
        before = ticks
        async with db.reads() as session:
            bodies = (await session.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all()
            # Checkout, connect and query ran without giving the loop away (no thread to wait for);
            # only AsyncSession's shielded close task takes a few turns of the loop.
            assert ticks == before
        ticker.cancel()
        assert bodies == ["first", "second"]
    finally:
        await db.dispose()


async def test_a_read_session_cannot_write(sqlite_url: str) -> None:
    db = Database.from_settings(Settings(database_url=sqlite_url))
    try:
        async with db.reads() as session:
            with pytest.raises(OperationalError, match="readonly"):
                await session.execute(text("CREATE TABLE sneaky (id INTEGER)"))
    finally:
        await db.dispose()


def test_in_memory_sqlite_reads_share_the_main_engine() -> None:
    assert create_read_engine(create_engine("sqlite+aiosqlite:///:memory:")) is None
