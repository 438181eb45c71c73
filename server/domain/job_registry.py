"""Every job function by name: what arq's WorkerSettings lists and what in-process runs look up."""

from __future__ import annotations

from server.domain.documents.jobs import compact_document
from server.domain.heatmaps.jobs import refresh_heatmaps
from server.domain.painpoints.jobs import (
    catch_up_model,
    cluster_pain_points,
    embed_pain_points,
    recheck_duplicates,
    recluster_teams,
)
from server.domain.points.jobs import award_points, void_points
from server.domain.snapshots.jobs import auto_snapshot
from server.infra.job_context import JobFunction

FUNCTIONS: dict[str, JobFunction] = {
    function.__name__: function
    for function in (
        compact_document,
        award_points,
        void_points,
        embed_pain_points,
        cluster_pain_points,
        recheck_duplicates,
        recluster_teams,
        catch_up_model,
        refresh_heatmaps,
        auto_snapshot,
    )
}
