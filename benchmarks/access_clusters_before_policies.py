"""The cluster page before visibility policies existed, for the comparison issue 18 asks for ("within 1.5x of
today's latency"): the same world as benchmarks/access_clusters.py, run on a checkout of commit 0202dfa (the
last before the access work touched the cluster page), whose schema has no regions or policies. There the
person who now has 5 policies sees only her 300 memberships.

    git worktree add --detach /tmp/before-policies 0202dfa
    flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/access_clusters_before_policies.py \\
        /tmp/before-policies --runs 60

Run it alternating with benchmarks/access_clusters.py on a quiet machine. Both freeze the heap after seeding,
as the server does after start-up.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import _args  # noqa: E402

CASES = 10_000
# As in _access_world.py (here only for what the policies reach today)
REGIONS = ["华南", "华东", "华北", "EMEA", "APAC"]
PG = "postgresql+asyncpg://postgres@127.0.0.1:5432"


async def _seed(db: Any) -> tuple[Any, ...]:
    import _cluster_world as cluster_world  # after the checkout's path: its models
    from sqlalchemy import insert

    from server.domain import users
    from server.models import Case, CaseMember, CaseRole, ClusterRun, User, UserRole
    from server.models.base import new_id, utcnow

    async with db.transaction() as session:
        team = await users.get_or_create_team(session, "Bench")
        made = []
        for letter in "AMDRW":
            role = {"A": UserRole.ADMIN, "R": UserRole.RD}.get(letter, UserRole.MEMBER)
            made.append(
                await users.create_user(
                    session,
                    email=f"{letter.lower()}@b.c",
                    name=letter,
                    role=role,
                    password="p" * 8,
                    team=team,
                )
            )
        admin, member, agent, rd, wide = made
        now = utcnow()
        cases = [
            {
                "id": new_id(),
                "title": f"Case {n}",
                "customer": f"客户 {n} Retail",
                "team_id": team.id,
                "created_by": admin.id,
                "created_at": now - timedelta(minutes=n),
            }
            for n in range(CASES)
        ]
        await session.execute(insert(Case), cases)
        members = [
            {"case_id": row["id"], "user_id": uid, "role": CaseRole.EDITOR, "added_at": now}
            for row in cases[::33]
            for uid in (member.id, agent.id)
        ]
        # what the policies reach today (her 300 cases and every case of 华南 and 华东), as memberships
        reach = {row["id"] for row in cases[::33]} | {
            row["id"] for n, row in enumerate(cases) if REGIONS[n % len(REGIONS)] in ("华南", "华东")
        }
        members += [
            {"case_id": case_id, "user_id": wide.id, "role": CaseRole.EDITOR, "added_at": now}
            for case_id in reach
        ]
        await session.execute(insert(CaseMember), members)
        run = await cluster_world.clustered_pain_points(session, team.id, admin.id, cases, now)
    async with db.sessions() as session:
        people = [await session.get_one(User, person.id) for person in (member, agent, rd, wide)]
        return (*people, await session.get_one(ClusterRun, run.id))


async def _time(db: Any, user: Any, run: Any, runs: int) -> list[float]:
    from server.domain.clusters import views

    took = []
    for _ in range(runs):
        start = time.perf_counter()
        async with db.reads() as session:
            await views.clusters(session, user, run, views.ClusterFilter(), first=20, after=None)
        took.append((time.perf_counter() - start) * 1000)
    return took


async def main(runs: int) -> None:
    import asyncpg
    from sqlalchemy import text

    from server.infra import migrate
    from server.infra.db import Database, create_engine

    name = f"wr_bench_before_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(host="127.0.0.1", port=5432, user="postgres", database="postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{PG}/{name}"
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(create_engine(url))
        member, agent, rd, wide, run = await _seed(db)
        async with db.transaction() as session:
            await session.execute(text("ANALYZE"))
        gc.collect()
        gc.freeze()
        for user in (member, agent, rd, wide):  # warm-up
            await _time(db, user, run, runs)
        for label, user in [
            ("memberships only", member),
            ("5 policies (then: her memberships)", agent),
            ("R&D (whole team)", rd),
            ("same reach, members", wide),
        ]:
            took = statistics.quantiles(await _time(db, user, run, runs), n=100)
            print(f"{label:35} p50 {took[49]:7.2f} ms  p99 {took[98]:7.2f} ms")
        await db.dispose()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = _args.parser(__doc__)
    parser.add_argument("tree", type=Path, help="a checkout of commit 0202dfa")
    _args.runs(parser, 60, "timed cluster-page calls per person")
    args = parser.parse_args()
    if not (args.tree / "server" / "domain" / "clusters" / "views.py").exists():
        parser.error(f"{args.tree} is not a checkout of the server")
    sys.path.insert(0, str(args.tree.resolve()))
    asyncio.run(main(args.runs))
