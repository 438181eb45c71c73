"""The evidence of a proposal: what the cluster held when it was adopted, copied so it stays as it was.

Counted over every pain point of the cluster in the team's current run that counts (not duplicates, not
withdrawn ones), whichever case it came from: the proposal's readers are the team's R&D and admins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.clustering import weekly_counts
from server.domain.painpoints.access import COUNTED
from server.domain.users import people_by_id
from server.models import Case, Cluster, ClusterMembership, ClusterRun, PainPoint, PainPointStatus

REPRESENTATIVES = 5
KEYWORDS = 10


@dataclass(frozen=True)
class Members:
    """A cluster's counted pain points, closest to its centre first."""

    run: ClusterRun
    cluster: Cluster
    pain_points: list[PainPoint]


async def members(session: AsyncSession, run: ClusterRun, cluster: Cluster, *, lock: bool) -> Members:
    """The cluster's counted pain points of the run's team (locked for the transaction when `lock`)."""
    query = (
        select(PainPoint)
        .join(ClusterMembership, ClusterMembership.pain_point_id == PainPoint.id)
        .where(
            ClusterMembership.run_id == run.id,
            ClusterMembership.cluster_id == cluster.cluster_id,
            PainPoint.team_id == run.team_id,
            COUNTED,
        )
        .order_by(ClusterMembership.similarity.desc(), PainPoint.id)
    )
    if lock:
        query = query.with_for_update(of=PainPoint)
    return Members(run, cluster, list((await session.execute(query)).scalars()))


async def snapshot(session: AsyncSession, found: Members, adopting: Sequence[PainPoint]) -> dict[str, Any]:
    """The evidence as stored and exported (JSON-ready), counting `adopting` as adopted."""
    points = found.pain_points
    adopting_ids = {p.id for p in adopting}
    chosen = _representatives(points)
    titles = dict(
        (
            await session.execute(select(Case.id, Case.title).where(Case.id.in_({p.case_id for p in chosen})))
        ).all()
    )
    people = await people_by_id(session, {p.author_id for p in chosen})
    moments = [p.created_at for p in points]
    return {
        "clusterId": found.cluster.cluster_id,
        "runId": found.run.id,
        "label": found.cluster.label,
        "keywords": [str(k["term"]) for k in found.cluster.keywords][:KEYWORDS],
        "painPointCount": len(points),
        "adoptedCount": sum(1 for p in points if p.status is PainPointStatus.ADOPTED or p.id in adopting_ids),
        "caseCount": len({p.case_id for p in points}),
        "customerCount": len({p.customer for p in points}),
        "authorCount": len({p.author_id for p in points}),
        "customers": sorted({p.customer for p in points}),
        "firstSeen": iso(min(moments)) if moments else None,
        "lastSeen": iso(max(moments)) if moments else None,
        "trend": [{"week": w.week.isoformat(), "count": w.count} for w in weekly_counts(moments)],
        "representatives": [
            {
                "id": p.id,
                "text": p.normalized_text,
                "caseId": p.case_id,
                "caseTitle": titles.get(p.case_id),
                "customer": p.customer,
                "product": p.product,
                "author": {
                    "id": p.author_id,
                    "name": people[p.author_id].name if p.author_id in people else None,
                },
                "createdAt": iso(p.created_at),
            }
            for p in chosen
        ],
    }


def _representatives(points: Sequence[PainPoint]) -> list[PainPoint]:
    """Up to REPRESENTATIVES pain points closest to the centre, repeats of one text skipped."""
    chosen: list[PainPoint] = []
    seen: set[str] = set()
    for pain_point in points:
        key = pain_point.normalized_text.casefold()
        if key not in seen:
            chosen.append(pain_point)
            seen.add(key)
        if len(chosen) == REPRESENTATIVES:
            break
    return chosen


def iso(moment: datetime | None) -> str | None:
    """A UTC time as exported: ISO 8601 with `Z`."""
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None
