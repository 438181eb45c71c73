"""What a correction recomputes in the current run: the changed clusters' numbers, centroids and names."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.clustering import ClusteringParams, class_keywords, cluster, label_from_keywords, team_neighbours
from server.clustering.views import Space, View
from server.domain.clusters.placement import SPACE_KEY
from server.domain.painpoints import vectors as painpoint_vectors
from server.domain.painpoints.config import PainPointConfig
from server.infra.config import Settings
from server.models import Cluster, ClusterMembership, ClusterRun, PainPoint
from server.models.base import utcnow

MAX_LABEL = 300


async def _members(session: AsyncSession, run: ClusterRun, cluster_id: str) -> list[str]:
    rows = await session.execute(
        select(ClusterMembership.pain_point_id)
        .where(ClusterMembership.run_id == run.id, ClusterMembership.cluster_id == cluster_id)
        .order_by(ClusterMembership.pain_point_id)
    )
    return list(rows.scalars())


def _view(settings: Settings, run: ClusterRun, dimension: int) -> tuple[View, Space]:
    view = PainPointConfig.from_settings(settings).view(run.model, dimension)
    return view, view.space_of(run.params.get(SPACE_KEY))


async def _vectors(
    session: AsyncSession, settings: Settings, run: ClusterRun, ids: Sequence[str]
) -> tuple[list[str], np.ndarray]:
    kept, vectors = await painpoint_vectors.load(session, list(ids), run.model)
    if not kept:
        return kept, vectors
    view, space = _view(settings, run, vectors.shape[1])
    return kept, view.project(vectors, space)


async def recluster_members(
    session: AsyncSession, settings: Settings, run: ClusterRun, members: Sequence[str]
) -> list[list[str]]:
    """Groups of a cluster's members that clustering them alone finds (its outliers stay with the first)."""
    ids, vectors = await painpoint_vectors.load(session, list(members), run.model)
    if len(ids) < 4:
        return []
    texts = await _texts(session, ids)
    # By text, then id, as a full run reads them: UMAP's layout depends on the order of its input, so the
    # same members named in another order could split into other groups.
    order = sorted(range(len(ids)), key=lambda i: (texts[ids[i]], ids[i]))
    ids, vectors = [ids[i] for i in order], vectors[order]
    view, space = _view(settings, run, vectors.shape[1])
    params = ClusteringParams()
    result = cluster(
        view.project(vectors, space),
        [texts[i] for i in ids],
        [utcnow()] * len(ids),
        params=params,
        knn=team_neighbours(view, vectors, space, params),
        bridge=view.bridge(vectors, space),
    )
    return [[ids[i] for i in summary.members] for summary in result.clusters]


async def _texts(session: AsyncSession, ids: Sequence[str]) -> dict[str, str]:
    rows = await session.execute(select(PainPoint.id, PainPoint.normalized_text).where(PainPoint.id.in_(ids)))
    return dict(rows.all())


async def refresh(
    session: AsyncSession,
    settings: Settings,
    run: ClusterRun,
    cluster_ids: Sequence[str],
    *,
    relabel: bool = False,
) -> None:
    """Recompute the size, centroid, cases, customers and representatives of clusters a correction changed."""
    texts: list[str] = []
    labels: list[int] = []
    rows_of: dict[int, Cluster] = {}
    for position, cluster_id in enumerate(cluster_ids):
        row = await session.get(Cluster, (run.id, cluster_id))
        if row is None:
            continue
        members = await _members(session, run, cluster_id)
        rows = (
            await session.execute(
                select(PainPoint.id, PainPoint.case_id, PainPoint.customer, PainPoint.normalized_text).where(
                    PainPoint.id.in_(members)
                )
            )
        ).all()
        row.size = len(members)
        row.case_ids = sorted({r[1] for r in rows})
        row.customers = sorted({r[2] for r in rows})
        ids, vectors = await _vectors(session, settings, run, members)
        if ids:
            centroid = vectors.mean(axis=0)
            centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
            row.centroid = painpoint_vectors.to_bytes(centroid.astype(np.float32))
            order = np.argsort(-(vectors @ centroid), kind="stable")[:5]
            row.representatives = [ids[i] for i in order.tolist()]
        texts.extend(r[3] for r in rows)
        labels.extend([position] * len(rows))
        rows_of[position] = row
    if relabel and texts:
        # keywords of the parts against each other, as a run describes its clusters
        for position, words in class_keywords(texts, labels, top_n=10).items():
            if words and position in rows_of:
                rows_of[position].label = label_from_keywords(words)[:MAX_LABEL]
                rows_of[position].keywords = [
                    {"term": k.term, "score": round(float(k.score), 6)} for k in words
                ]
    await session.flush()
