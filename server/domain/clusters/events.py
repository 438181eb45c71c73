"""What subscribers of `clusterEvents` hear, per team: a run finished, a cluster grew.

Events name ids only; the subscription loads what they name as the subscriber (so a member hears of growth
only through pain points of their own cases). They go out through the outbox, with the commit that made
the change.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import outbox
from server.domain.painpoints.ingest import Settled
from server.infra import topics
from server.models import ClusterRun
from server.models.base import utcnow

RUN_FINISHED = "RUN_FINISHED"
CLUSTER_GREW = "CLUSTER_GREW"
CLUSTER_CORRECTED = "CLUSTER_CORRECTED"


def topic(team_id: str) -> str:
    return topics.team_clusters(team_id)


def run_finished(run: ClusterRun) -> dict[str, Any]:
    return {
        "kind": RUN_FINISHED,
        "runId": run.id,
        "clusterId": None,
        "painPointIds": [],
        "at": utcnow().isoformat(),
    }


def cluster_grew(run_id: str, cluster_id: str, pain_point_ids: list[str]) -> dict[str, Any]:
    return {
        "kind": CLUSTER_GREW,
        "runId": run_id,
        "clusterId": cluster_id,
        "painPointIds": pain_point_ids,
        "at": utcnow().isoformat(),
    }


def run_stored(session: AsyncSession, run: ClusterRun) -> None:
    """Announce a run to the team once the transaction that stores it commits."""
    outbox.event(session, topic(run.team_id), run_finished(run))


def grown(session: AsyncSession, settled: Settled) -> None:
    """Announce each cluster that new pain points joined, once the transaction commits."""
    for team_id, (run_id, clusters) in settled.grown.items():
        for cluster_id, pain_point_ids in clusters.items():
            outbox.event(session, topic(team_id), cluster_grew(run_id, cluster_id, pain_point_ids))


def cluster_corrected(run_id: str, cluster_id: str, pain_point_ids: list[str]) -> dict[str, Any]:
    """A person renamed, merged, split or moved pain points of a cluster (or undid that)."""
    return {
        "kind": CLUSTER_CORRECTED,
        "runId": run_id,
        "clusterId": cluster_id,
        "painPointIds": pain_point_ids,
        "at": utcnow().isoformat(),
    }
