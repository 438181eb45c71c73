import asyncio

from sqlalchemy import update

from server.domain import audit
from server.infra.db import Database
from server.models import AuditEvent


async def test_chain_verifies_and_detects_tampering(db: Database) -> None:
    for i in range(5):
        async with db.transaction() as session:
            await audit.record(session, actor_id=None, action="test.event", subject=f"s{i}", data={"n": i})
    async with db.sessions() as session:
        report = await audit.verify(session)
    assert (report.ok, report.events) == (True, 5)
    async with db.transaction() as session:
        await session.execute(update(AuditEvent).where(AuditEvent.subject == "s2").values(data={"n": 99}))
    async with db.sessions() as session:
        report = await audit.verify(session)
    assert not report.ok
    assert report.reason == "the event was altered after it was written"


async def test_concurrent_appends_never_fork_the_chain(db: Database) -> None:
    async def append(n: int) -> None:
        async with db.transaction() as session:
            await audit.record(session, actor_id=None, action="user.login_failed", subject="", data={"n": n})

    await asyncio.gather(*(append(n) for n in range(40)))
    async with db.sessions() as session:
        report = await audit.verify(session)
    assert (report.ok, report.events) == (True, 40)
