"""What a server's session check costs: one query over the tokens of all its live connections.

Run: `flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/session_watch.py [--sizes 100,1000,10000]`

A fresh, migrated database (PostgreSQL, and SQLite in a temporary directory) holds one person and as many
tokens as the largest size, a tenth of them revoked. For each size, `tokens.still_valid` (the query
`SessionWatch.check` runs every WARROOM_SESSION_CHECK_SECONDS) is timed `--repeat` times over that many
token ids; the median and the slowest are reported.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _args
from benchmarks._postgres import admin
from benchmarks._report import table, wait_quiet
from server.domain import users
from server.domain.accounts import tokens
from server.infra import migrate
from server.infra.db import Database, create_engine
from server.models import AuthToken, UserRole
from server.models.base import utcnow

PG = os.environ.get("WARROOM_BENCH_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432")


async def _seed(db: Database, count: int) -> list[str]:
    async with db.transaction() as session:
        team = await users.get_or_create_team(session, "Bench")
        user = await users.create_user(
            session,
            email="bench@bench.test",
            name="压测",
            role=UserRole.MEMBER,
            password="bench-pass",
            team=team,
        )
        now = utcnow()
        rows = [
            AuthToken(
                token_hash=uuid.uuid4().hex * 2,
                user_id=user.id,
                expires_at=now + timedelta(days=1),
                revoked_at=now if i % 10 == 0 else None,
            )
            for i in range(count)
        ]
        session.add_all(rows)
        await session.flush()
        return [row.id for row in rows]


async def _measure(url: str, sizes: list[int], repeat: int) -> list[list[str]]:
    await asyncio.to_thread(migrate.upgrade, url)
    db = Database(create_engine(url))
    try:
        ids = await _seed(db, max(sizes))
        rows = []
        for size in sizes:
            took = []
            for _ in range(repeat):
                async with db.reads() as session:
                    started = time.perf_counter()
                    valid = await tokens.still_valid(session, ids[:size], tokens.DEFAULT_IDLE)
                    took.append(time.perf_counter() - started)
            assert len(valid) == size - len(range(0, size, 10))
            rows.append([url.split("+")[0], str(size), f"{statistics.median(took) * 1000:.1f} ms",
                         f"{max(took) * 1000:.1f} ms"])  # fmt: skip
        return rows
    finally:
        await db.dispose()


async def main() -> None:
    parser = _args.parser(__doc__)
    parser.add_argument("--sizes", default="100,1000,10000")
    _args.repeat(parser, 20)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    load = wait_quiet(60)
    name = f"wr_bench_sessions_{uuid.uuid4().hex[:8]}"
    await admin(f'CREATE DATABASE "{name}"')
    try:
        rows = await _measure(f"{PG}/{name}", sizes, args.repeat)
    finally:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with tempfile.TemporaryDirectory() as tmp:
        rows += await _measure(f"sqlite+aiosqlite:///{tmp}/bench.db", sizes, args.repeat)
    table(
        f"One session check over N live connections' tokens (load {load:.2f})",
        ["database", "tokens", "median", "slowest"],
        rows,
    )


if __name__ == "__main__":
    asyncio.run(main())
