"""The update writer's commit strategies, on real databases."""

import asyncio
import sqlite3
from datetime import UTC, datetime

from sqlalchemy import select

from server.domain.cases import actions as cases
from server.domain.documents import store as documents
from server.infra.db import Database, create_engine
from server.models import DocUpdate, User
from server.sync.committers import InLoopSqliteCommitter, PoolCommitter, create_committer
from tests.support.people import make_person


async def _case(db: Database) -> tuple[str, str]:
    person = await make_person(db, "c@a.com")
    async with db.transaction() as session:
        user = await session.get(User, person.id)
        assert user is not None
        case = await cases.create_case(session, user, title="T", customer="C")
    return case.id, person.id


def test_the_strategy_follows_database_and_durability(sqlite_url: str, postgres_url: str) -> None:
    assert isinstance(create_committer(Database(create_engine(sqlite_url)), "NORMAL"), InLoopSqliteCommitter)
    assert isinstance(create_committer(Database(create_engine(sqlite_url)), "FULL"), PoolCommitter)
    assert isinstance(create_committer(Database(create_engine(postgres_url)), "NORMAL"), PoolCommitter)


async def test_in_loop_rows_read_back_through_the_orm(sqlite_url: str) -> None:
    db = Database(create_engine(sqlite_url))
    case_id, author = await _case(db)
    committer = InLoopSqliteCommitter(db, sqlite_url.split("///", 1)[1])
    at = datetime(2026, 11, 25, 8, 30, 1, 123456, tzinfo=UTC)
    await committer.commit(
        [
            documents.NewUpdate(case_id, author, b"\x00\x00", at),
            documents.NewUpdate(case_id, None, b"\x00\x00", at),
        ]
    )
    async with db.sessions() as session:
        rows = (await session.execute(select(DocUpdate).where(DocUpdate.case_id == case_id))).scalars().all()
    assert [(r.author_id, r.data, r.created_at, r.compacted) for r in rows] == [
        (author, b"\x00\x00", at, False),
        (None, b"\x00\x00", at, False),
    ]
    await committer.close()
    await db.dispose()


async def test_a_held_write_lock_sends_the_batch_through_the_pool(sqlite_url: str) -> None:
    db = Database(create_engine(sqlite_url))
    case_id, author = await _case(db)
    path = sqlite_url.split("///", 1)[1]
    committer = InLoopSqliteCommitter(db, path)
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # someone else is writing
    update = documents.NewUpdate(case_id, author, b"\x00\x00", datetime.now(UTC))
    pending = asyncio.create_task(committer.commit([update]))
    await asyncio.sleep(0.2)
    assert not pending.done(), "the commit must wait for the lock, off the event loop"
    blocker.execute("COMMIT")
    await asyncio.wait_for(pending, 10)
    assert committer.fallbacks == 1
    async with db.sessions() as session:
        stored = (await session.execute(select(DocUpdate.id).where(DocUpdate.case_id == case_id))).all()
    assert len(stored) == 1
    blocker.close()
    await committer.close()
    await db.dispose()


async def test_a_short_held_write_lock_is_waited_for_in_the_loop(sqlite_url: str) -> None:
    db = Database(create_engine(sqlite_url))
    case_id, author = await _case(db)
    path = sqlite_url.split("///", 1)[1]
    committer = InLoopSqliteCommitter(db, path)
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # a snapshot job writes for a moment
    update = documents.NewUpdate(case_id, author, b"\x00\x00", datetime.now(UTC))
    pending = asyncio.create_task(committer.commit([update]))
    await asyncio.sleep(0.003)
    assert not pending.done()
    blocker.execute("COMMIT")
    await asyncio.wait_for(pending, 10)
    assert (committer.fallbacks, committer.retries > 0) == (0, True)
    blocker.close()
    await committer.close()
    await db.dispose()
