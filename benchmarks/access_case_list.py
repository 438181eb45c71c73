"""Visibility policies' cost on the case list: `cases` (first 50) for a person with memberships only, and for
one with 5 policies (two opening region cases read-only), over 10,000 cases of one team on PostgreSQL.

Times the domain call the `cases` resolver makes (`server.domain.cases.listing.list_cases`, no search or
filter: the page, each case's role, preview and last edit), sequentially, and prints p50/p99 of both and
their ratio to memberships only; and, for reference, the bare membership join (the query of the list before
search and policies). Target (issue 18): with policies <= 1.5x.

Run it alone: flock /tmp/warroom-bench.lock python benchmarks/access_case_list.py [--runs 300]
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
from _postgres import scratch  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from server.domain.access import policies, regions  # noqa: E402
from server.domain.cases import actions as cases  # noqa: E402
from server.domain.cases import listing  # noqa: E402
from server.domain.pagination import paginate  # noqa: E402
from server.infra.db import Database, create_engine  # noqa: E402
from server.models import (  # noqa: E402
    AccessView,
    Case,
    CaseAccess,
    CaseMember,
    CaseRole,
    PolicyScope,
    User,
)
from server.models.base import utcnow  # noqa: E402


async def _seed(db: Database) -> tuple[User, User]:
    async with db.transaction() as session:
        team, (admin, member, director) = await world.people(session, "MD")
        await regions.set_regions(session, director, ["华南", "华东"], actor_id=None)
        now = utcnow()
        rows = await world.cases(session, team, admin, "客户 {n}")
        # Both belong to the same 300 cases; the director's policies open 4,000 more, read-only.
        members = [
            {"case_id": row["id"], "user_id": uid, "role": CaseRole.EDITOR, "added_at": now}
            for row in rows[::33]
            for uid in (member.id, director.id)
        ]
        await session.execute(insert(CaseMember), members)
        for n, (scope, access, views) in enumerate(
            [
                (PolicyScope.REGION_CASES, CaseAccess.VIEWER, [AccessView.CASES, AccessView.HEATMAPS]),
                (PolicyScope.REGION_CASES, CaseAccess.VIEWER, [AccessView.CASES, AccessView.COMMENTS]),
                (PolicyScope.TEAM_CASES, CaseAccess.NONE, [AccessView.PAIN_POINTS]),
                (PolicyScope.REGION_CASES, CaseAccess.NONE, [AccessView.CLUSTERS]),
                (PolicyScope.MEMBER_CASES, CaseAccess.NONE, [AccessView.RANKING]),
            ]
        ):
            data = policies.PolicyInput(
                name=f"p{n}", user_ids=[director.id], scope=scope, case_access=access, views=views
            )
            await policies.create_policy(session, admin, data)
    async with db.sessions() as session:
        return await session.get_one(User, member.id), await session.get_one(User, director.id)


async def _time(db: Database, user: User, runs: int) -> list[float]:
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        async with db.reads() as session:
            await listing.list_cases(session, user, listing.filters(), first=50, after=None)
        took.append((time.perf_counter() - start) * 1000)
    return took


async def _time_before(db: Database, user: User, runs: int) -> list[float]:
    """The case list's query as it was before search and policies: the membership join and the roles."""
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        async with db.reads() as session:
            query = (
                select(Case)
                .join(CaseMember, CaseMember.case_id == Case.id)
                .where(CaseMember.user_id == user.id)
            )
            page = await paginate(session, query, Case.id, first=50, after=None)
            await cases.roles(session, user, [c.id for c in page.items])
        took.append((time.perf_counter() - start) * 1000)
    return took


async def main(runs: int) -> None:
    async with scratch("wr_bench_access") as url:
        db = Database(create_engine(url))
        member, director = await _seed(db)
        async with db.transaction() as session:  # committed: statistics from a rolled-back ANALYZE are lost
            await session.execute(text("ANALYZE"))
        # As the server's lifespan does after start-up (server/app.py): the seeding's objects stay out of the
        # collector's full passes, which a server does not make over its start-up either.
        gc.collect()
        gc.freeze()
        await _time(db, member, runs)  # warm-up
        await _time(db, director, runs)
        await _time_before(db, member, runs)
        before = await _time_before(db, member, runs)
        plain, with_policies = await _time(db, member, runs), await _time(db, director, runs)
        await db.dispose()
        world.report([("memberships only", plain), ("5 policies", with_policies), ("bare join", before)])


if __name__ == "__main__":
    parser = _args.parser(__doc__)
    _args.runs(parser, 300, "timed case-list calls per person")
    asyncio.run(main(parser.parse_args().runs))
