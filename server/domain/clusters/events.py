"""What subscribers of `clusterEvents` hear, per team: a run finished, a cluster grew.

Events name ids only; the subscription loads what they name as the subscriber (so a member hears of growth
only through pain points of their own cases). Publish after the commit that made the change.
"""

from __future__ import annotations

from typing import Any

from server.domain.painpoints.ingest import Settled
from server.infra import topics
from server.infra.events import EventBus
from server.models import ClusterRun
from server.models.base import utcnow

RUN_FINISHED = "RUN_FINISHED"
CLUSTER_GREW = "CLUSTER_GREW"


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


def publish_run(events: EventBus | None, run: ClusterRun) -> None:
    """Announce a stored run to the team."""
    if events is not None:
        events.publish(topic(run.team_id), run_finished(run))


def publish_growth(events: EventBus | None, settled: Settled) -> None:
    """Announce each cluster that new pain points joined."""
    if events is None:
        return
    for team_id, (run_id, grown) in settled.grown.items():
        for cluster_id, pain_point_ids in grown.items():
            events.publish(topic(team_id), cluster_grew(run_id, cluster_id, pain_point_ids))
