"""A page of clusters read in one statement: sizes over what one sees, the order (largest first, then the id
by code point, as Python sorts), paging, the minimum size, and each cluster's memberships in all."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from server.domain.clusters import views
from server.domain.clusters.seen import read_page
from server.domain.painpoints.access import COUNTED, sight
from server.infra.db import Database
from server.models import (
    AccessView,
    Cluster,
    ClusterMembership,
    ClusterRun,
    MembershipSource,
    PainPoint,
    PainPointStatus,
    User,
    UserRole,
)
from server.models.base import new_id, utcnow
from tests.support.people import case_with, make_user

# cluster id -> (pain points in the member's case, in the other case); ids whose byte order differs from
# a collation's (case, accents, hyphens) and sizes that tie
LAYOUT = {"b": (1, 1), "B-2": (2, 0), "a-1": (0, 2), "a": (1, 1), "é": (1, 1), "Z": (1, 0), "a0": (0, 1)}


async def _world(db: Database) -> tuple[User, User, ClusterRun]:
    rd = await make_user(db, "rd@a.com", role=UserRole.RD)
    member = await make_user(db, "member@a.com")
    mine = await case_with(db, member)
    other = await case_with(db, rd)
    now = utcnow()
    async with db.transaction() as session:
        run = ClusterRun(
            team_id=rd.team_id,
            job_id=new_id(),
            model="test",
            method="test",
            point_count=0,
            cluster_count=len(LAYOUT),
            unclustered_count=0,
        )
        session.add(run)
        await session.flush()
        points, memberships = [], []
        for cluster_id, counts in LAYOUT.items():
            for case_id, count in zip((mine, other), counts, strict=True):
                for n in range(count):
                    point = new_id()
                    points.append(
                        {
                            "id": point,
                            "case_id": case_id,
                            "team_id": rd.team_id,
                            "author_id": rd.id,
                            "text": f"{cluster_id} {n}",
                            "normalized_text": f"{cluster_id} {n}",
                            "customer": "ACME",
                            "status": PainPointStatus.SUBMITTED,
                            "created_at": now - timedelta(days=n),
                        }
                    )
                    memberships.append(
                        {
                            "run_id": run.id,
                            "pain_point_id": point,
                            "cluster_id": cluster_id,
                            "similarity": 0.5,
                            "source": MembershipSource.RUN,
                        }
                    )
        # one withdrawn pain point: visible, a membership, but not counted in the size
        points[0]["status"] = PainPointStatus.REJECTED
        await session.execute(insert(PainPoint), points)
        await session.execute(insert(ClusterMembership), memberships)
        await session.execute(
            insert(Cluster),
            [
                {
                    "run_id": run.id,
                    "cluster_id": cluster_id,
                    "label": cluster_id,
                    "keywords": [],
                    "size": sum(counts),
                    "centroid": b"",
                }
                for cluster_id, counts in LAYOUT.items()
            ],
        )
    return rd, member, run


def _expected(sizes: dict[str, int], min_size: int = 1) -> list[tuple[str, int]]:
    return sorted(((c, n) for c, n in sizes.items() if n >= min_size), key=lambda row: (-row[1], row[0]))


async def _pages(db: Database, user: User, run: ClusterRun, first: int, min_size: int = 1) -> list[list[str]]:
    pages: list[list[str]] = []
    after = None
    while True:
        async with db.reads() as session:
            page = await views.clusters(
                session, user, run, views.ClusterFilter(min_size=min_size), first=first, after=after
            )
        pages.append([node.cluster_id for node in page.nodes])
        if not page.has_next:
            return pages
        after = page.end_cursor


async def test_pages_follow_the_visible_sizes_then_the_ids_in_code_point_order(db: Database) -> None:
    rd, member, run = await _world(db)
    everyone = {c: mine + other for c, (mine, other) in LAYOUT.items()}
    everyone["b"] -= 1  # the withdrawn one (the first pain point written, of "b")
    theirs = {c: mine for c, (mine, _) in LAYOUT.items() if mine}
    theirs["b"] -= 1
    del theirs["b"]  # nothing counted left in it for the member: not listed
    for user, sizes in ((rd, everyone), (member, theirs)):
        order = [c for c, _ in _expected(sizes)]
        assert [c for page in await _pages(db, user, run, first=2) for c in page] == order
        assert len(await _pages(db, user, run, first=2)) == (len(order) + 1) // 2
        assert [c for page in await _pages(db, user, run, first=3, min_size=2) for c in page] == [
            c for c, _ in _expected(sizes, 2)
        ]
        async with db.reads() as session:
            page = await views.clusters(session, user, run, views.ClusterFilter(), first=50, after=None)
        assert [(n.cluster_id, n.size) for n in page.nodes] == _expected(sizes)
        assert not page.has_next


async def test_the_read_counts_every_membership_and_keeps_the_uncounted_visible_ones(db: Database) -> None:
    rd, member, run = await _world(db)
    async with db.reads() as session:
        seen = await sight(session, member, AccessView.CLUSTERS)
        read = await read_page(
            session, seen, run.id, COUNTED, min_size=1, offset=0, first=50, only=["a", "b", "Z"], totals=True
        )
    assert read.clusters == ["Z", "a"]  # "b": its one visible pain point is withdrawn
    assert read.qualifying == 2
    assert read.totals == {"Z": 1, "a": 2}  # every membership, the other case's too
    assert {c: len(rows) for c, rows in read.members.items()} == {"Z": 1, "a": 1}
    async with db.reads() as session:
        everything = await read_page(
            session,
            await sight(session, rd, AccessView.CLUSTERS),
            run.id,
            COUNTED,
            min_size=1,
            offset=6,
            first=5,
            only=None,
            totals=False,
        )
    assert everything.qualifying == len(LAYOUT)
    assert (
        everything.clusters
        == [c for c, _ in _expected({c: sum(n) for c, n in LAYOUT.items()} | {"b": 1})][6:]
    )
