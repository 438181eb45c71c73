"""The sequencer: commands append without waiting on each other; committed events are linked after the
commit, by whichever process gets there, and rolled-back ones never are."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy import ColumnElement, func, select

from server.domain import audit
from server.domain.cases import actions as cases
from server.infra.db import Database, create_engine
from server.models import AuditCheckpoint, AuditEvent, User
from tests.support.audit import KEY
from tests.support.people import make_user

WRITERS = 20
COMMANDS = 10


class RolledBack(Exception):
    pass


@asynccontextmanager
async def _sequencer(
    db: Database, policy: audit.Policy, poll: float = 0.05
) -> AsyncIterator[audit.Sequencer]:
    sequencer = audit.Sequencer(db, KEY, policy, poll_seconds=poll)
    sequencer.start()
    try:
        yield sequencer
    finally:
        await sequencer.stop()


async def _until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        await asyncio.sleep(0.02)


async def _count(db: Database, *where: ColumnElement[bool]) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0)


async def _verified(db: Database, every: int) -> audit.AuditReport:
    async with db.sessions() as session:
        return await audit.verify(session, trusted=[KEY.public], every=every)


async def test_twenty_writers_on_two_servers_never_fork_gap_or_keep_a_rolled_back_event(
    database_url: str,
) -> None:
    """20 people open cases at once through two "servers" (each its own engine and sequencer); every
    fourth command fails after its audit append and is rolled back."""
    policy = audit.Policy(every=25, minutes=60)
    first, second = Database(create_engine(database_url)), Database(create_engine(database_url))
    try:
        people = [await make_user(first, f"writer{n}@a.com", name=f"写手 {n}") for n in range(WRITERS)]

        async def write(person: User, db: Database) -> None:
            for n in range(COMMANDS):
                try:
                    async with db.transaction() as session:
                        await cases.create_case(
                            session, person, title=f"{person.email} case {n}", customer="客户"
                        )
                        if n % 4 == 3:
                            raise RolledBack()
                except RolledBack:
                    pass

        async with _sequencer(first, policy) as one, _sequencer(second, policy) as two:
            await asyncio.gather(*(write(p, (first, second)[i % 2]) for i, p in enumerate(people)))
            await one.flush()
            await two.flush()
        kept = WRITERS * sum(1 for n in range(COMMANDS) if n % 4 != 3)
        assert await _count(first, AuditEvent.action == "case.created") == kept
        titles = [f"{p.email} case {n}" for p in people for n in range(COMMANDS) if n % 4 == 3]
        async with first.sessions() as session:
            data = (await session.scalars(select(AuditEvent.data))).all()
        assert not {d.get("title") for d in data} & set(titles)
        report = await _verified(first, policy.every)
        # every event linked once, densely, and signed every 25 at the latest
        assert (report.ok, report.events, report.unlinked) == (True, WRITERS + kept, 0), report.reason
        assert report.checkpoints >= (WRITERS + kept) // policy.every
        assert one.linked + two.linked == WRITERS + kept
    finally:
        await first.dispose()
        await second.dispose()


async def test_events_committed_elsewhere_are_linked_by_the_poll(database_url: str) -> None:
    """A command that ran in a process without a sequencer (an operator's CLI command)."""
    policy = audit.Policy(every=1000, minutes=60)
    server, elsewhere = Database(create_engine(database_url)), Database(create_engine(database_url))
    try:
        async with _sequencer(server, policy):
            async with elsewhere.transaction() as session:
                await audit.record(session, actor_id=None, action="user.role_changed", subject="u1", data={})

            async def linked() -> bool:
                return await _count(server, AuditEvent.position.is_(None)) == 0

            await _until(linked, "the poll linked the event")
        assert (await _verified(server, policy.every)).events == 1
    finally:
        await server.dispose()
        await elsewhere.dispose()


async def test_a_checkpoint_is_signed_when_the_minutes_pass_without_more_events(db: Database) -> None:
    policy = audit.Policy(every=1000, minutes=0.002)  # 0.12 s

    async def checkpoints() -> int:
        async with db.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(AuditCheckpoint)) or 0)

    async with _sequencer(db, policy) as sequencer:
        for n in range(2):
            async with db.transaction() as session:
                await audit.record(session, actor_id=None, action="user.login", subject=f"s{n}", data={})
            await sequencer.flush()

        async def head_signed() -> bool:
            async with db.sessions() as session:
                last = await session.scalar(select(func.max(AuditCheckpoint.position)))
            return last == 2

        await _until(head_signed, "the head was signed")
    assert await checkpoints() >= 1
    assert (await _verified(db, policy.every)).ok


async def test_stopping_links_what_was_just_committed(db: Database) -> None:
    policy = audit.Policy(every=1000, minutes=60)
    sequencer = audit.Sequencer(db, KEY, policy, poll_seconds=3600)
    sequencer.start()
    async with db.transaction() as session:
        await audit.record(session, actor_id=None, action="user.login", subject="last words", data={})
    await sequencer.stop()
    assert await _count(db, AuditEvent.position.is_(None)) == 0


async def test_stopping_at_any_point_of_a_pass_links_everything(db: Database) -> None:
    """A server shut down right after a request stops its sequencer somewhere in the pass for that commit:
    wherever that is, the pass is not cut off mid-transaction (on SQLite its write lock would outlive it,
    and the last link would wait it out and fail), and every event ends up linked."""
    policy = audit.Policy(every=1000, minutes=60)
    for point in range(60):
        sequencer = audit.Sequencer(db, KEY, policy, poll_seconds=3600)
        sequencer.start()
        async with db.transaction() as session:
            await audit.record(session, actor_id=None, action="user.login", subject=f"李雷 {point}", data={})
        for _ in range(point):
            await asyncio.sleep(0)
        await sequencer.stop()
        assert await _count(db, AuditEvent.position.is_(None)) == 0, f"stopped after {point} steps"
    assert (await _verified(db, policy.every)).events == 60
