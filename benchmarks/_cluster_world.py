"""The pain points and clustering run of the cluster-page benchmarks: PER_CASE pain points on each case, in
CLUSTERS clusters of one stored run. Uses only tables that existed before visibility policies, so the
comparison with that code (access_clusters_before_policies.py) seeds the very same run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from server.models import Cluster, ClusterMembership, ClusterRun, MembershipSource, PainPoint
from server.models.base import new_id

PER_CASE = 2
CLUSTERS = 100
WORDS = ["结账支付失败", "invoice header wrong", "发货延迟", "login times out", "退款未到账"]


async def clustered_pain_points(
    session: AsyncSession, team_id: str, author_id: str, cases: Sequence[dict[str, Any]], now: datetime
) -> ClusterRun:
    """PER_CASE pain points per case (dated over 60 days), every one in one of CLUSTERS clusters of a run."""
    points = [
        {
            "id": new_id(),
            "case_id": row["id"],
            "team_id": team_id,
            "author_id": author_id,
            "text": f"{row['customer']}: {WORDS[(n + k) % len(WORDS)]} #{n}",
            "normalized_text": f"{WORDS[(n + k) % len(WORDS)]} {n}",
            "customer": row["customer"],
            "created_at": now - timedelta(days=(n + k) % 60),
        }
        for n, row in enumerate(cases)
        for k in range(PER_CASE)
    ]
    await session.execute(insert(PainPoint), points)
    run = ClusterRun(
        team_id=team_id,
        job_id=new_id(),
        model="bench",
        method="bench",
        point_count=len(points),
        cluster_count=CLUSTERS,
        unclustered_count=0,
    )
    session.add(run)
    await session.flush()
    await session.execute(
        insert(Cluster),
        [
            {
                "run_id": run.id,
                "cluster_id": f"c{c}",
                "label": WORDS[c % len(WORDS)],
                "keywords": [],
                "size": len(points) // CLUSTERS,
                "representatives": [],
                "case_ids": [],
                "customers": [],
                "trend": [],
                "centroid": b"",
            }
            for c in range(CLUSTERS)
        ],
    )
    await session.execute(
        insert(ClusterMembership),
        [
            {
                "run_id": run.id,
                "pain_point_id": p["id"],
                "cluster_id": f"c{n % CLUSTERS}",
                "similarity": 0.9,
                "source": MembershipSource.RUN,
            }
            for n, p in enumerate(points)
        ],
    )
    return run
