"""Visibility policies' cost on the cluster page: `painPointClusters` (first 20 clusters, their sizes, trends,
cases, customers and representatives) for a person with memberships only, and for one with 5 policies (one
CLUSTERS view over two regions, 30 days, masked), over 10,000 cases and 20,000 pain points of one team in
100 clusters, on PostgreSQL.

Times the domain call the resolver makes (`server.domain.clusters.views.clusters`), sequentially, and prints
p50/p99 of both, their ratio to memberships only, and for reference R&D (the whole team) and a person who is
a member of every case the policies reach (the same data without policies: what the policies themselves
cost). Target (issue 18): with policies <= 1.5x of memberships only. The heap is frozen after seeding, as the
server freezes its own after start-up.

Run it alone: flock /tmp/warroom-bench.lock python benchmarks/access_clusters.py [--runs 60]
"""

from __future__ import annotations

import asyncio
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import _access_world as world  # noqa: E402 - benchmarks/ is on sys.path
import _args  # noqa: E402
import _cluster_world as cluster_world  # noqa: E402
from _postgres import scratch  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402

from server.domain.access import policies, regions  # noqa: E402
from server.domain.clusters import views  # noqa: E402
from server.infra.db import Database, create_engine  # noqa: E402
from server.models import (  # noqa: E402
    AccessView,
    CaseAccess,
    CaseMember,
    CaseRole,
    ClusterRun,
    PolicyScope,
    User,
)
from server.models.base import utcnow  # noqa: E402


async def _seed(db: Database) -> tuple[User, User, User, User, ClusterRun]:
    async with db.transaction() as session:
        team, (admin, member, agent, rd, wide) = await world.people(session, "MDRW")
        await regions.set_regions(session, agent, ["华南", "华东"], actor_id=None)
        now = utcnow()
        cases = await world.cases(session, team, admin, "客户 {n} Retail")
        members = [
            {"case_id": row["id"], "user_id": uid, "role": CaseRole.EDITOR, "added_at": now}
            for row in cases[::33]
            for uid in (member.id, agent.id)
        ]
        # The same cases through memberships: every case of 华南 and 华东 besides the 300.
        reach = {row["id"] for row in cases[::33]} | {
            r["id"] for r in cases if r["region"] in ("华南", "华东")
        }
        members += [
            {"case_id": case_id, "user_id": wide.id, "role": CaseRole.EDITOR, "added_at": now}
            for case_id in reach
        ]
        await session.execute(insert(CaseMember), members)
        run = await cluster_world.clustered_pain_points(session, team.id, admin.id, cases, now)
        for n, (scope, access, views_, age, mask) in enumerate(
            [
                (PolicyScope.REGION_CASES, CaseAccess.NONE, [AccessView.CLUSTERS], 30, True),
                (PolicyScope.REGION_CASES, CaseAccess.NONE, [AccessView.PAIN_POINTS], 30, True),
                (PolicyScope.REGION_CASES, CaseAccess.NONE, [AccessView.COMMENTS], None, False),
                (PolicyScope.TEAM_CASES, CaseAccess.NONE, [AccessView.HEATMAPS], 7, False),
                (PolicyScope.MEMBER_CASES, CaseAccess.NONE, [AccessView.RANKING], None, False),
            ]
        ):
            data = policies.PolicyInput(
                name=f"p{n}",
                user_ids=[agent.id],
                scope=scope,
                case_access=access,
                views=views_,
                max_age_days=age,
                mask_customer_fields=mask,
            )
            await policies.create_policy(session, admin, data)
    async with db.sessions() as session:
        return (
            await session.get_one(User, member.id),
            await session.get_one(User, agent.id),
            await session.get_one(User, rd.id),
            await session.get_one(User, wide.id),
            await session.get_one(ClusterRun, run.id),
        )


async def _time(db: Database, user: User, run: ClusterRun, runs: int) -> list[float]:
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        async with db.reads() as session:
            await views.clusters(session, user, run, views.ClusterFilter(), first=20, after=None)
        took.append((time.perf_counter() - start) * 1000)
    return took


async def main(runs: int) -> None:
    async with scratch("wr_bench_clusters") as url:
        db = Database(create_engine(url))
        member, agent, rd, wide, run = await _seed(db)
        async with db.transaction() as session:  # committed: statistics from a rolled-back ANALYZE are lost
            await session.execute(text("ANALYZE"))
        # As the server's lifespan does after start-up (server/app.py): what exists now stays out of the
        # collector's full passes. Without it, the seeding's objects lengthen each full pass to ~130 ms more
        # than a server sees, and those passes alone make the slowest 1% of calls.
        gc.collect()
        gc.freeze()
        for user in (member, agent, rd, wide):  # warm-up
            await _time(db, user, run, runs)
        measured = [
            ("memberships only", await _time(db, member, run, runs)),
            ("5 policies", await _time(db, agent, run, runs)),
            ("R&D (whole team)", await _time(db, rd, run, runs)),
            ("same reach, members", await _time(db, wide, run, runs)),
        ]
        await db.dispose()
        world.report(measured)


if __name__ == "__main__":
    parser = _args.parser(__doc__)
    _args.runs(parser, 60, "timed cluster-page calls per person")
    asyncio.run(main(parser.parse_args().runs))
