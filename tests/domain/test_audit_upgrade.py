"""A chain written before checkpoints (revision 0013) keeps its hashes through the upgrade, verifies, and is
signed once an operator vouches for it; a downgrade refuses while events wait to be linked."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from server.domain import audit
from server.infra import migrate
from server.infra.db import Database, create_engine
from tests.support.audit import KEY
from tests.support.databases import admin, off_loop
from tests.support.services import pg_url, require_postgres

BEFORE = "0013"
POLICY = audit.Policy(every=5, minutes=60)


@pytest.fixture(params=["sqlite", "postgres"])
async def old_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database at the revision before checkpoints."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
        off_loop(lambda: migrate.upgrade(url, BEFORE))
        yield url
        return
    require_postgres()
    name = f"wr_old_{uuid.uuid4().hex[:10]}"
    await admin(f'CREATE DATABASE "{name}"')
    url = pg_url(name)
    off_loop(lambda: migrate.upgrade(url, BEFORE))
    yield url
    await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _write_old_chain(url: str, count: int) -> None:
    """What the old `record` wrote: each event hashed onto the last, in `seq` order."""
    db = Database(create_engine(url))
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    prev = audit.GENESIS
    try:
        async with db.transaction() as session:
            for n in range(count):
                at = start + timedelta(minutes=n)
                data = {"n": n, "note": "旧的审计事件" if n % 2 else "old event"}
                digest = audit.digest(prev, at, None, "user.login", f"s{n}", data)
                await session.execute(
                    text(
                        "INSERT INTO audit_events (at, actor_id, action, subject, data, prev_hash, hash) "
                        "VALUES (:at, NULL, 'user.login', :subject, :data, :prev, :hash)"
                    ),
                    {
                        # as the old model stored it: naive UTC on SQLite, aware on PostgreSQL
                        "at": at.replace(tzinfo=None).isoformat(sep=" ") if url.startswith("sqlite") else at,
                        "subject": f"s{n}",
                        "data": json.dumps(data),
                        "prev": prev,
                        "hash": digest,
                    },
                )
                prev = digest
    finally:
        await db.dispose()


async def test_an_old_chain_upgrades_verifies_and_is_vouched_for_once(old_url: str) -> None:
    await _write_old_chain(old_url, 12)
    off_loop(lambda: migrate.upgrade(old_url))
    db = Database(create_engine(old_url))
    try:
        async with db.sessions() as session:
            report = await audit.verify(session, trusted=[KEY.public], every=POLICY.every)
        # every old event verifies in its place; no checkpoint covers them yet
        assert (report.ok, report.first_bad_position) == (False, 5)
        assert report.reason.startswith("5 linked events since the start and no checkpoint")
        async with db.transaction() as session:
            await audit.record(session, actor_id=None, action="user.login", subject="new", data={})
        linked = await audit.link(db, KEY, POLICY)
        assert (linked.events, linked.checkpoints) == (1, [])
        assert linked.refused is not None
        vouched = await audit.sign_head(db, KEY, POLICY)
        assert (vouched.position, vouched.previous) == (13, 0)
        async with db.sessions() as session:
            report = await audit.verify(session, trusted=[KEY.public], every=POLICY.every)
        assert (report.ok, report.events, report.checkpoints) == (True, 13, 1), report.reason
        # an old event edited is still caught
        async with db.transaction() as session:
            await session.execute(text("UPDATE audit_events SET subject = 'x' WHERE position = 2"))
        async with db.sessions() as session:
            report = await audit.verify(session, trusted=[KEY.public], every=POLICY.every)
        assert (report.ok, report.first_bad_position) == (False, 2)
    finally:
        await db.dispose()


async def test_a_downgrade_waits_for_every_event_to_be_linked(old_url: str) -> None:
    off_loop(lambda: migrate.upgrade(old_url))
    db = Database(create_engine(old_url))
    try:
        async with db.transaction() as session:
            await audit.record(session, actor_id=None, action="user.login", subject="s", data={})
        with pytest.raises(RuntimeError, match="1 audit events are not linked yet"):
            off_loop(lambda: migrate.downgrade(old_url, BEFORE))
        await audit.link(db, KEY, POLICY)
        off_loop(lambda: migrate.downgrade(old_url, BEFORE))
    finally:
        await db.dispose()
    current: list[str | None] = []
    off_loop(lambda: current.append(migrate.current(old_url)))
    assert current == [BEFORE]
