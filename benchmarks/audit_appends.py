"""Audited commands per second on PostgreSQL with 20 concurrent writers: the audit append of old (a
deployment-wide lock held from the append to the commit) against the sequencer's (insert only; linked
after the commit).

Run: `PYTHONPATH=$PWD .venv/bin/python benchmarks/audit_appends.py [--runs 3] [--seconds 4] [--writers 20]`

Each run gets a fresh database (from a migrated template) with `--writers` people; each person opens cases
(`create_case`: a case, its owner's membership and the `case.created` audit event, one transaction) in a
loop for `--seconds`, all at once on one engine (the server's pool: 10 + 10 connections). Designs:
- `old`: main's `audit.record` before issue 16, copied below: `pg_advisory_xact_lock`, read the chain's
  end, insert the hashed event; the lock is held until the command commits.
- `new`: `audit.record` of today, with the process's sequencer running as in a server (it links after
  the commits and signs checkpoints every 1000 events).
Runs alternate old/new; the figure is the median of each. For `new` the table also shows how long after
the last commit every event was linked, and that the chain verifies.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import server.domain.audit as audit_package
from benchmarks import _args
from benchmarks._postgres import admin
from benchmarks._report import table
from server.domain import audit, users
from server.domain.cases import actions as cases
from server.infra import migrate
from server.infra.db import Database, create_engine
from server.models import AuditEvent, User, UserRole
from server.models.base import utcnow

PG = os.environ.get("WARROOM_BENCH_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432")


async def _old_record(
    session: AsyncSession, *, actor_id: str | None, action: str, subject: str, data: dict[str, Any]
) -> AuditEvent:
    """`server/domain/audit.py:record` as it was before issue 16."""
    await session.execute(text("SELECT pg_advisory_xact_lock(7412001)"))
    last = (
        await session.execute(
            select(AuditEvent.hash)
            .where(AuditEvent.hash.is_not(None))
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    prev = last or audit.GENESIS
    at = utcnow()
    event = AuditEvent(
        at=at,
        actor_id=actor_id,
        action=action,
        subject=subject,
        data=data,
        prev_hash=prev,
        hash=audit.digest(prev, at, actor_id, action, subject, data),
    )
    session.add(event)
    await session.flush()
    return event


async def _people(db: Database, count: int) -> list[User]:
    async with db.transaction() as session:
        team = await users.get_or_create_team(session, "Bench")
        return [
            await users.create_user(
                session, email=f"w{i}@bench.test", name=f"写手 {i}", role=UserRole.MEMBER,
                password="bench-password-1", team=team,
            )
            for i in range(count)
        ]  # fmt: skip


@dataclass
class Run:
    design: str
    commands: int
    elapsed: float
    linked_after: float | None = None
    verified: bool | None = None

    @property
    def rate(self) -> float:
        return self.commands / self.elapsed


async def _run(url: str, design: str, seconds: float, writers: int) -> Run:
    db = Database(create_engine(url))
    sequencer: audit.Sequencer | None = None
    record = audit_package.record
    try:
        people = await _people(db, writers)
        if design == "old":
            audit_package.record = _old_record  # type: ignore[assignment]
        else:
            sequencer = audit.Sequencer(db, audit.SigningKey.generate(), audit.Policy())
            sequencer.start()
            await sequencer.flush()
        loop = asyncio.get_running_loop()
        start = loop.time()
        stop_at = start + seconds

        async def write(person: User) -> int:
            done = 0
            while loop.time() < stop_at:
                async with db.transaction() as session:
                    await cases.create_case(session, person, title=f"案例 case {done}", customer="客户 ACME")
                done += 1
            return done

        counts = await asyncio.gather(*(write(person) for person in people))
        elapsed = loop.time() - start
        result = Run(design, sum(counts), elapsed)
        if sequencer is not None:
            await sequencer.flush()
            result.linked_after = loop.time() - start - elapsed
            async with db.sessions() as session:
                report = await audit.verify(session, trusted=[sequencer.key.public])
            result.verified = report.ok and report.events == result.commands + writers
        else:
            async with db.sessions() as session:
                stored = await session.scalar(select(func.count()).select_from(AuditEvent))
            assert stored == result.commands + writers
        return result
    finally:
        audit_package.record = record
        if sequencer is not None:
            await sequencer.stop()
        await db.dispose()


async def main() -> None:
    parser = _args.parser(__doc__)
    _args.runs(parser, 3, "runs per design (default 3)")
    parser.add_argument("--seconds", type=float, default=4.0, help="length of a run (default 4)")
    parser.add_argument("--writers", type=int, default=20, help="concurrent writers (default 20)")
    args = parser.parse_args()
    template = f"wr_bench_tpl_{uuid.uuid4().hex[:8]}"
    await admin(f'CREATE DATABASE "{template}"')
    created = [template]
    try:
        await asyncio.to_thread(migrate.upgrade, f"{PG}/{template}")
        runs: list[Run] = []
        for n in range(args.runs):
            for design in ("old", "new"):
                name = f"wr_bench_{uuid.uuid4().hex[:10]}"
                await admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                created.append(name)
                run = await _run(f"{PG}/{name}", design, args.seconds, args.writers)
                runs.append(run)
                print(f"run {n + 1} {design}: {run.rate:.0f} commands/s", flush=True)
    finally:
        for name in reversed(created):
            await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    rows = [
        [
            run.design,
            run.commands,
            f"{run.rate:.0f}",
            "" if run.linked_after is None else f"{run.linked_after * 1000:.0f} ms",
            "" if run.verified is None else ("yes" if run.verified else "NO"),
        ]
        for run in runs
    ]
    load = os.getloadavg()[0]
    table(
        f"Audited create_case, {args.writers} writers, {args.seconds:g} s runs, load {load:.2f}",
        ["design", "commands", "commands/s", "all linked after the last commit", "chain verifies"],
        rows,
    )
    old = statistics.median(run.rate for run in runs if run.design == "old")
    new = statistics.median(run.rate for run in runs if run.design == "new")
    print(f"\nmedian commands/s: old {old:.0f}, new {new:.0f} ({new / old:.2f}x)")


if __name__ == "__main__":
    started = time.monotonic()
    asyncio.run(main())
    print(f"({time.monotonic() - started:.0f} s)")
