"""Every job function by name: what the in-process runner is given at start-up and arq's WorkerSettings
lists (workers/settings.py). The server never imports `workers`; the workers import this."""

from __future__ import annotations

from server.domain import job_names as names
from server.domain.documents.jobs import compact_document
from server.domain.documents.search_text import index_document_text
from server.domain.heatmaps.jobs import refresh_heatmaps
from server.domain.materials.jobs import summarize_material
from server.domain.painpoints.jobs import (
    catch_up_model,
    cluster_pain_points,
    embed_pain_points,
    recheck_duplicates,
    recluster_teams,
)
from server.domain.points.jobs import award_points, void_points
from server.domain.snapshots.jobs import auto_snapshot
from server.domain.webhooks.jobs import deliver_webhook
from server.infra.job_context import JobFunction, JobRegistry

FUNCTIONS: dict[str, JobFunction] = {
    names.COMPACT_DOCUMENT: compact_document,
    names.AWARD_POINTS: award_points,
    names.VOID_POINTS: void_points,
    names.EMBED_PAIN_POINTS: embed_pain_points,
    names.CLUSTER_PAIN_POINTS: cluster_pain_points,
    names.RECHECK_DUPLICATES: recheck_duplicates,
    names.RECLUSTER_TEAMS: recluster_teams,
    names.CATCH_UP_MODEL: catch_up_model,
    names.REFRESH_HEATMAPS: refresh_heatmaps,
    names.AUTO_SNAPSHOT: auto_snapshot,
    names.INDEX_DOCUMENT_TEXT: index_document_text,
    names.SUMMARIZE_MATERIAL: summarize_material,
    names.DELIVER_WEBHOOK: deliver_webhook,
}

REGISTRY = JobRegistry(functions=FUNCTIONS, maintenance=names.MAINTENANCE)
