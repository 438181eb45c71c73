"""The heatmap job on a stored case: 50,000 updates from 20 authors, then 100 more.

Run: `flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/heatmap_job.py [--postgres] [--updates N]`

The case comes from `heatmap.py`'s generator (real pycrdt editors), stored in a migrated database the
way the sync server stores it (doc_updates rows with author and time, compacted into a checkpoint as
the server does every 500 updates). Timed, through `heatmap_store.refresh` exactly as the job runs it:

- the full compute: the first run on the case (reads and decodes the whole log, rebuilds the sections);
- the incremental run after 100 new updates (reads only those, rebuilds the sections);
- what a request costs afterwards (`contributionHeatmap` and `sectionHeatmap` read what was stored).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, func, select

# The case generator lives in the sibling script; import it as `benchmarks.heatmap` from the checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _args
from benchmarks._postgres import admin
from benchmarks.heatmap import _CaseGenerator
from server.domain import users
from server.domain.cases import actions as cases
from server.domain.documents import store as documents
from server.domain.heatmaps import reads as heatmaps
from server.domain.heatmaps import store as heatmap_store
from server.heatmaps import BucketSize, LogEntry
from server.infra import migrate
from server.infra.db import Database, create_engine
from server.models import DocUpdate, HeatmapEditDay, HeatmapState, User, UserRole
from server.models.base import utcnow

TARGET_SECONDS = 3.0


def _ignore(_case_id: str) -> None:
    """Requests here never find the heatmaps behind the log."""


async def _timed(call: Callable[[], Awaitable[object]]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = await call()
    return time.perf_counter() - wall, time.process_time() - cpu, result


async def _prepare(db: Database, log: list[LogEntry]) -> tuple[str, dict[str, str]]:
    async with db.transaction() as session:
        team = await users.get_or_create_team(session, "Bench")
        ids: dict[str, str] = {}
        for author in sorted({e.author_id for e in log if e.author_id}):
            user = await users.create_user(
                session, email=f"{author}@bench.test", name=author, role=UserRole.MEMBER,
                password="bench-password", team=team,
            )  # fmt: skip
            ids[author] = user.id
        owner = await session.get(User, ids[min(ids)])
        assert owner is not None
        case = await cases.create_case(session, owner, title="Bench", customer="Bench")
    return case.id, ids


async def _store(db: Database, case_id: str, ids: dict[str, str], entries: list[LogEntry]) -> None:
    for start in range(0, len(entries), 500):
        chunk = entries[start : start + 500]
        async with db.transaction() as session:
            await documents.append(
                session,
                [documents.NewUpdate(case_id, ids[e.author_id or ""], e.data, e.at) for e in chunk],
            )
        if len(chunk) == 500:
            async with db.transaction() as session:
                await documents.compact(session, case_id)


async def _forget(db: Database, case_id: str) -> None:
    async with db.transaction() as session:
        await session.execute(delete(HeatmapEditDay).where(HeatmapEditDay.case_id == case_id))
        await session.execute(delete(HeatmapState).where(HeatmapState.case_id == case_id))


def _row(name: str, walls: list[float], cpus: list[float]) -> str:
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    return f"{name:>44}: {wall:6.3f} s (min {min(walls):.3f})   cpu {cpu:6.3f} s"


async def _run(url: str, updates: int, authors: int, repeat: int) -> None:
    began = time.perf_counter()
    generated, _state = _CaseGenerator(updates + 100 * repeat, authors, seed=7).generate()
    base, extra = generated[:updates], generated[updates:]
    print(
        f"generated {len(generated):,} updates from {authors} authors in {time.perf_counter() - began:.1f} s"
    )
    db = Database(create_engine(url))
    try:
        case_id, ids = await _prepare(db, generated)
        began = time.perf_counter()
        await _store(db, case_id, ids, base)
        async with db.sessions() as session:
            pending = await session.scalar(
                select(func.count()).where(DocUpdate.case_id == case_id, DocUpdate.compacted.is_(False))
            )
        print(
            f"stored {len(base):,} rows in {time.perf_counter() - began:.1f} s ({pending} not yet compacted)"
        )

        full: tuple[list[float], list[float]] = ([], [])
        for _ in range(repeat):
            await _forget(db, case_id)
            wall, cpu, _ = await _timed(lambda: heatmap_store.refresh(db, case_id))
            full[0].append(wall)
            full[1].append(cpu)
        incremental: tuple[list[float], list[float]] = ([], [])
        for round_ in range(repeat):
            await _store(db, case_id, ids, extra[round_ * 100 : (round_ + 1) * 100])
            wall, cpu, outcome = await _timed(lambda: heatmap_store.refresh(db, case_id))
            assert isinstance(outcome, heatmap_store.RefreshOutcome)
            assert outcome.updates_read == 100, outcome
            assert not outcome.rebuilt, outcome
            incremental[0].append(wall)
            incremental[1].append(cpu)

        async with db.sessions() as session:
            owner = await session.get(User, ids[min(ids)])
            assert owner is not None
            subject = await heatmaps.case_subject(session, case_id, owner)
            ledger = await session.scalar(select(func.length(HeatmapState.ledger)))
        start, end = heatmaps.period(
            generated[0].at, generated[-1].at + timedelta(seconds=1), BucketSize.WEEK, now=utcnow()
        )
        requests: tuple[list[float], list[float]] = ([], [])
        for _ in range(repeat):
            wall, cpu, _ = await _timed(
                lambda: heatmaps.contribution(
                    db, subject, start, end, BucketSize.WEEK, request_refresh=_ignore
                )
            )
            wall2, cpu2, _ = await _timed(lambda: heatmaps.sections(db, subject, request_refresh=_ignore))
            requests[0].append(wall + wall2)
            requests[1].append(cpu + cpu2)

        print(f"database {url.split('://')[0]}, stored ledger {ledger / 1e3:.0f} kB")
        print(_row(f"full compute ({updates:,} updates)", *full))
        print(_row("incremental run after 100 new updates", *incremental))
        print(_row("a request for both heatmaps (stored)", *requests))
        worst = max(statistics.median(full[0]), statistics.median(incremental[0]))
        print(f"target <= {TARGET_SECONDS:.0f} s: {'met' if worst <= TARGET_SECONDS else 'MISSED'}")
    finally:
        await db.dispose()


def main() -> None:
    parser = _args.parser(__doc__)
    _args.updates(parser, 50_000)
    parser.add_argument("--authors", type=int, default=20)
    _args.repeat(parser, 3)
    _args.postgres(parser)
    args = parser.parse_args()
    if args.postgres:
        name = f"warroom_bench_{uuid.uuid4().hex[:8]}"
        url = f"postgresql+asyncpg://postgres@127.0.0.1/{name}"
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
        try:
            migrate.upgrade(url)
            asyncio.run(_run(url, args.updates, args.authors, args.repeat))
        finally:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        migrate.upgrade(url)
        asyncio.run(_run(url, args.updates, args.authors, args.repeat))


if __name__ == "__main__":
    main()
