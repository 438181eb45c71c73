"""The session watch: closes the live connections whose session ended, checking all of them in one query."""

import functools
from datetime import timedelta

from sqlalchemy import event

from server.domain import users
from server.domain.accounts import tokens
from server.domain.accounts.watch import SessionWatch
from server.infra import topics
from server.infra.db import Database
from server.infra.events import EventBus
from server.infra.pubsub import create_pubsub
from server.models.base import utcnow
from tests.domain.accounts.helpers import age, last_used, revocations, sign_in, token_id
from tests.support.people import make_person


def _watch(db: Database) -> tuple[SessionWatch, EventBus]:
    events = EventBus(create_pubsub(None, "test"))
    return SessionWatch(db, events, idle=tokens.DEFAULT_IDLE, every=3600), events


async def test_one_query_checks_every_connection_and_closes_the_ended_ones(db: Database) -> None:
    person = await make_person(db, "wu.gang@a.com", name="吴刚")
    live, revoked, idle = [await sign_in(db, person.email) for _ in range(3)]
    ids = [await token_id(db, t) for t in (live, revoked, idle)]
    watch, _events = _watch(db)
    closed: list[str] = []
    for token_id_ in ids:
        for n in range(20):  # many connections per session: still one query
            watch.watch(token_id_, functools.partial(closed.append, f"{token_id_}/{n}"))
    assert len(watch) == 60
    async with db.transaction() as session:
        await tokens.revoke(session, revoked)  # no announcement: the check finds it
    await age(db, ids[2], timedelta(hours=73))
    statements: list[str] = []
    engines = {db.engine.sync_engine, *([db.read_engine.sync_engine] if db.read_engine else [])}

    def listen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", listen)
    try:
        assert await watch.check() == 2
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", listen)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1, statements
    assert sorted(closed) == sorted(f"{t}/{n}" for t in ids[1:] for n in range(20))
    assert len(watch) == 20
    assert watch.closed == 40


async def test_an_announced_revocation_closes_at_once(db: Database) -> None:
    person = await make_person(db, "zheng.hao@a.com", name="郑浩")
    token = await sign_in(db, person.email)
    tid = await token_id(db, token)
    watch, events = _watch(db)
    await watch.start()
    try:
        closed: list[str] = []
        watch.watch(tid, lambda: closed.append("sync"))
        ended = watch.watch(tid, lambda: closed.append("gone"))
        ended.end()
        async with db.transaction() as session:
            assert await users.logout(session, token)
        assert await revocations(db) == [tid]
        # What the dispatcher does with that outbox row after the commit:
        events.publish(topics.sessions_revoked(), {"tokenIds": [tid]})
        assert closed == ["sync"]
        assert len(watch) == 0
    finally:
        await watch.stop()


async def test_writes_through_a_connection_keep_its_session_from_going_idle(db: Database) -> None:
    person = await make_person(db, "xu.lan@a.com", name="许兰")
    tid = await token_id(db, await sign_in(db, person.email))
    watch, _events = _watch(db)
    quiet_tid = await token_id(db, await sign_in(db, person.email))
    writing = watch.watch(tid, lambda: None)
    watch.watch(quiet_tid, lambda: None)
    await age(db, tid, timedelta(hours=1))
    await age(db, quiet_tid, timedelta(hours=1))
    quiet_before = await last_used(db, quiet_tid)
    await watch.check()
    assert await last_used(db, tid) < utcnow() - timedelta(minutes=59), "no write, no use"
    writing.used = True
    await watch.check()
    assert await last_used(db, tid) > utcnow() - timedelta(minutes=1)
    assert not writing.used
    assert await last_used(db, quiet_tid) == quiet_before
