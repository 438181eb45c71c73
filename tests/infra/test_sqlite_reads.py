"""Read sessions on SQLite run in the event loop, see what was committed, and cannot write; switched off
(WARROOM_FAST_SQLITE_READS=0), or not fitting the installed SQLAlchemy, reads share the aiosqlite pool."""

import asyncio
import logging
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from server.infra import speedups, sqlite_reads
from server.infra.config import Settings
from server.infra.db import Database, create_engine, create_read_engine
from server.infra.speedups import Incompatible
from tests.support.live import live_server
from tests.support.operations import operation


async def test_reads_see_commits_and_never_suspend(sqlite_url: str) -> None:
    db = Database.from_settings(Settings(database_url=sqlite_url))
    try:
        assert db.read_engine is not None
        assert db.read_engine.url == db.engine.url  # what is cached per database is found by either
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


async def test_switched_off_reads_share_the_aiosqlite_pool(sqlite_url: str) -> None:
    db = Database.from_settings(Settings(database_url=sqlite_url, fast_sqlite_reads=False))
    try:
        assert db.read_engine is None
        async with db.reads() as session:
            assert (await session.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await db.dispose()


async def test_an_sqlalchemy_that_moved_on_gets_the_aiosqlite_pool(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def moved_on() -> None:
        raise Incompatible("SQLAlchemy 2.2.0 is outside the range it was written for [2.0.40, 2.2)")

    monkeypatch.setattr(speedups, "_reported", set())
    monkeypatch.setattr(sqlite_reads, "check_internals", moved_on)
    with caplog.at_level(logging.WARNING, "warroom.speedups"):
        db = Database.from_settings(Settings(database_url=sqlite_url))
    await db.dispose()
    assert db.read_engine is None
    assert "SQLAlchemy 2.2.0 is outside" in caplog.text


@pytest.mark.parametrize("fast", ["1", "0"], ids=["in-loop-reads", "aiosqlite-reads"])
async def test_a_server_reads_through_either_engine(sqlite_url: str, tmp_path: Path, fast: str) -> None:
    async with live_server(sqlite_url, tmp_path, env={"WARROOM_FAST_SQLITE_READS": fast}) as live:
        assert ("WARROOM_FAST_SQLITE_READS=0" in live.server.logs()) == (fast == "0")
        case = await live.case(commenter="COMMENTER")
        token = case.members["commenter"].token
        for body in ("Who owns this?", "谁负责这个？"):
            await live.gql.data(operation("AddComment"), {"input": {"caseId": case.id, "body": body}}, token)
        # Both queries read through `Context.read`, the read sessions.
        cases = await live.gql.data(operation("Cases"), {}, token)
        assert [c["id"] for c in cases["cases"]["nodes"]] == [case.id]
        comments = await live.gql.data(operation("CaseComments"), {"caseId": case.id}, token)
        bodies = sorted(thread["body"] for thread in comments["case"]["comments"]["nodes"])
        assert bodies == sorted(["Who owns this?", "谁负责这个？"])
