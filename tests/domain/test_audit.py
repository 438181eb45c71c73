import asyncio

from sqlalchemy import select, update

from server.domain import audit
from server.infra.db import Database
from server.models import AuditEvent

KEY = audit.SigningKey.generate()
POLICY = audit.Policy(every=3, minutes=60)


async def _verify(db: Database) -> audit.AuditReport:
    async with db.sessions() as session:
        return await audit.verify(session, trusted=[KEY.public], every=POLICY.every)


async def test_chain_verifies_and_detects_tampering(db: Database) -> None:
    for i in range(5):
        async with db.transaction() as session:
            await audit.record(session, actor_id=None, action="test.event", subject=f"s{i}", data={"n": i})
    linked = await audit.link(db, KEY, POLICY)
    assert linked.events == 5
    # every 3 events; the 2 after wait for the next 3 or the 60 minutes
    assert [c.position for c in linked.checkpoints] == [3]
    report = await _verify(db)
    assert (report.ok, report.events, report.checkpoints) == (True, 5, 1)
    async with db.transaction() as session:
        await session.execute(update(AuditEvent).where(AuditEvent.subject == "s2").values(data={"n": 99}))
    report = await _verify(db)
    assert not report.ok
    assert (report.first_bad_position, report.reason) == (3, "the event was altered after it was written")


async def test_an_event_is_linked_only_after_its_command_committed(db: Database) -> None:
    async with db.transaction() as session:
        event = await audit.record(session, actor_id=None, action="test.event", subject="kept", data={})
        assert (event.position, event.hash) == (None, None)
    try:
        async with db.transaction() as session:
            await audit.record(session, actor_id=None, action="test.event", subject="rolled back", data={})
            raise RuntimeError("the command fails")
    except RuntimeError:
        pass
    async with db.sessions() as session:
        assert await audit.unlinked(session) == 1
    await audit.link(db, KEY, POLICY)
    async with db.sessions() as session:
        rows = (await session.execute(select(AuditEvent.subject, AuditEvent.position))).all()
    assert [tuple(row) for row in rows] == [("kept", 1)]


async def test_concurrent_appends_never_fork_the_chain(db: Database) -> None:
    async def append(n: int) -> None:
        async with db.transaction() as session:
            await audit.record(session, actor_id=None, action="user.login_failed", subject="", data={"n": n})
        await audit.link(db, KEY, POLICY)

    await asyncio.gather(*(append(n) for n in range(40)))
    report = await _verify(db)
    assert (report.ok, report.events, report.unlinked) == (True, 40, 0)
