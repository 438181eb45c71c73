"""Adoptions and their awards through a real server on PostgreSQL: what the outbox costs.

Run: `flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/outbox.py [--root CHECKOUT] [--adoptions N]`

A fresh, migrated database holds N accepted pain points of `--people` authors. A `python -m server serve`
process (jobs in-process) started from `--root` (default: this checkout; point it at an older checkout to
measure before/after with the same script) takes N `adoptPainPoint` mutations from R&D, `--concurrency`
in flight. Reported per run: the mutations' p50/p99 latency and rate, and awards/s end to end (first
mutation sent to the last award committed in the ledger), and the database transactions committed per
adoption (all of them: the mutation's, the awards', the outbox's); the median run is the figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _args
from benchmarks._postgres import admin
from benchmarks._report import table, wait_quiet
from benchmarks._served import start, stop
from server.domain import users
from server.domain.cases import actions as cases
from server.infra.db import Database, create_engine
from server.models import PainPoint, PainPointStatus, PointAction, PointEntry, User, UserRole

PG = os.environ.get("WARROOM_BENCH_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432")
ADOPT = "mutation($id: ID!) { adoptPainPoint(id: $id) { id status } }"
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
PASSWORD = "bench-password-1"


async def _seed(db: Database, people: int, count: int) -> list[str]:
    """R&D, `people` authors with a case each, and `count` accepted pain points spread over them."""
    async with db.transaction() as session:
        team = await users.get_or_create_team(session, "Bench")
        await users.create_user(
            session, email="rd@bench.test", name="RD", role=UserRole.RD, password=PASSWORD, team=team
        )
        authors: list[tuple[User, str]] = []
        for i in range(people):
            author = await users.create_user(
                session, email=f"p{i}@bench.test", name=f"P{i}", role=UserRole.MEMBER, password=PASSWORD,
                team=team,
            )  # fmt: skip
            case = await cases.create_case(session, author, title=f"Case {i}", customer="ACME")
            authors.append((author, case.id))
        rows = [_pain_point(authors[i % people], team.id, i) for i in range(count)]
        session.add_all(rows)
    return [row.id for row in rows]


def _pain_point(author: tuple[User, str], team_id: str, i: int) -> PainPoint:
    return PainPoint(
        case_id=author[1],
        team_id=team_id,
        author_id=author[0].id,
        text=f"Pain point {i}",
        normalized_text=f"pain point {i}",
        customer="ACME",
        status=PainPointStatus.SUBMITTED,
    )


def _env(url: str, log: Path) -> dict[str, str]:
    return {
        **os.environ,
        "WARROOM_DATABASE_URL": url,
        "WARROOM_JOBS": "inprocess",
        "WARROOM_EMBEDDING_WARMUP": "0",
        "WARROOM_LOG_LEVEL": "warning",
        "WARROOM_DATA_DIR": str(log.parent),
    }


async def _commits(db: Database) -> int:
    """Transactions committed in the benchmark's database so far (PostgreSQL's statistics, ~0.5 s late)."""
    async with db.engine.connect() as conn:
        await conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        value = await conn.scalar(
            text("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
        )
    return int(value or 0)


async def _awarded(db: Database) -> int:
    async with db.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(PointEntry)
            .where(PointEntry.action == PointAction.PAIN_POINT_ADOPTED)
        )
    return int(count or 0)


async def _run(args: argparse.Namespace, root: Path) -> dict[str, float]:
    name = f"wr_bench_outbox_{uuid.uuid4().hex[:8]}"
    url = f"{PG}/{name}"
    await admin(f'CREATE DATABASE "{name}"')
    log = Path(f"/tmp/{name}.log")
    try:
        migrate = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "server", "migrate",
            cwd=root, env={**os.environ, "WARROOM_DATABASE_URL": url}, stdout=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert await migrate.wait() == 0
        db = Database(create_engine(url))
        ids = await _seed(db, args.people, args.adoptions)
        server, served_at = await start(_env(url, log), log, root)
        try:
            base = f"{served_at}/graphql"
            limits = httpx.Limits(max_connections=args.concurrency)
            async with httpx.AsyncClient(timeout=60, limits=limits) as client:
                login = await client.post(
                    base, json={"query": LOGIN, "variables": {"e": "rd@bench.test", "p": PASSWORD}}
                )
                token = login.json()["data"]["login"]["token"]
                headers = {"Authorization": f"Bearer {token}"}
                latencies: list[float] = []
                pending = iter(ids)

                async def adopter() -> None:
                    for pain_point in pending:
                        sent = time.perf_counter()
                        reply = await client.post(
                            base, json={"query": ADOPT, "variables": {"id": pain_point}}, headers=headers
                        )
                        latencies.append(time.perf_counter() - sent)
                        assert reply.json()["data"]["adoptPainPoint"]["status"] == "ADOPTED", reply.text

                await asyncio.sleep(1.0)  # the statistics lag a little; let the start-up's settle
                commits_before = await _commits(db)
                started = time.perf_counter()
                await asyncio.gather(*(adopter() for _ in range(args.concurrency)))
                mutated = time.perf_counter() - started
                while await _awarded(db) < args.adoptions:
                    if time.perf_counter() - started > 300:
                        raise RuntimeError("awards did not all arrive within 5 minutes")
                    await asyncio.sleep(0.02)
                awarded = time.perf_counter() - started
                await asyncio.sleep(1.0)
                commits = await _commits(db) - commits_before
        finally:
            await stop(server)
            await db.dispose()
    finally:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await asyncio.to_thread(log.unlink, missing_ok=True)
    latencies.sort()
    return {
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000,
        "mutations/s": args.adoptions / mutated,
        "awards/s": args.adoptions / awarded,
        "commits/adoption": commits / args.adoptions,
    }


async def main(args: argparse.Namespace, root: Path) -> int:
    load = wait_quiet(args.wait_quiet)
    runs = [await _run(args, root) for _ in range(args.runs)]
    rows = [
        [
            i + 1,
            f"{r['p50']:.1f} ms",
            f"{r['p99']:.1f} ms",
            f"{r['mutations/s']:,.0f}",
            f"{r['awards/s']:,.0f}",
            f"{r['commits/adoption']:.2f}",
        ]
        for i, r in enumerate(runs)
    ]
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    rows.append(
        ["median", f"{median['p50']:.1f} ms", f"{median['p99']:.1f} ms", f"{median['mutations/s']:,.0f}",
         f"{median['awards/s']:,.0f}", f"{median['commits/adoption']:.2f}"]
    )  # fmt: skip
    table(
        f"adoptPainPoint x {args.adoptions}, {args.concurrency} in flight, PostgreSQL, server from {root} "
        f"(load at start {load:.2f})",
        ["run", "mutation p50", "mutation p99", "mutations/s", "awards/s end to end", "commits/adoption"],
        rows,
    )
    return 0


if __name__ == "__main__":
    parser = _args.parser(__doc__)
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[1]), help="checkout to serve")
    parser.add_argument("--adoptions", type=int, default=2000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    _args.runs(parser, 3)
    _args.wait_quiet(parser)
    arguments = parser.parse_args()
    raise SystemExit(asyncio.run(main(arguments, Path(arguments.root).resolve())))
