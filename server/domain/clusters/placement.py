"""Between full runs: new pain points join the nearest cluster of their team's current run, within seconds."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.clustering import Centroids, Placement, place
from server.clustering.types import Embeddings
from server.clustering.views import View
from server.domain.clusters import constraints as cluster_constraints
from server.domain.painpoints.vectors import Encoded, from_bytes, stack
from server.models import Cluster, ClusterMembership, ClusterRun, MembershipSource

# Where a run records the weights of the space it clustered in (`server.clustering.views.Space`).
SPACE_KEY = "space"

# {cluster id: ids of the pain points that joined it}
Grown = dict[str, list[str]]


async def current_run(session: AsyncSession, team_id: str | None) -> ClusterRun | None:
    """The team's latest run, whose clusters everyone sees; None before the first one."""
    if team_id is None:
        return None
    query = (
        select(ClusterRun)
        .where(ClusterRun.team_id == team_id)
        .order_by(ClusterRun.created_at.desc(), ClusterRun.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def centroids(session: AsyncSession, run_id: str) -> Centroids:
    """The run's clusters as ids and centroid vectors."""
    rows = (
        await session.execute(
            select(Cluster.cluster_id, Cluster.centroid)
            .where(Cluster.run_id == run_id)
            .order_by(Cluster.cluster_id)
        )
    ).all()
    if not rows:
        return Centroids([], np.empty((0, 0), dtype=np.float32))
    dimension = len(rows[0][1]) // 4
    return Centroids([r[0] for r in rows], stack([from_bytes(r[1], dimension) for r in rows]))


def outside(run: ClusterRun, vectors: Embeddings, view: View) -> bool:
    """Whether some of these vectors have none of the parts the run's space weighs: the first Chinese pain
    point of a team clustered on its English part cannot be placed until the team is clustered again."""
    space = view.space_of(run.params.get(SPACE_KEY))
    weighed = np.asarray(space.weights) > 0
    return bool(len(vectors)) and not bool(view.present(vectors)[:, weighed].any(axis=1).all())


async def place_into(
    session: AsyncSession,
    run: ClusterRun,
    ids: Sequence[str],
    encoded: Encoded,
    *,
    view: View,
    known: Centroids | None = None,
) -> Grown:
    """Record where each pain point of `ids` goes in `run` (skipping any already there); returns who grew.

    Only vectors of the run's own model can be compared with its centroids; others wait for the next run.
    The run's centroids lie in the space it clustered in (recorded in its params): new vectors are projected
    into it and judged at that space's placement cosine.

    A pain point too far from every centroid is recorded as unclustered, so it stays visible as such.
    """
    if not ids or encoded.model != run.model:
        return {}  # vectors of another model than the run's wait for the next run
    existing = set(
        (
            await session.execute(
                select(ClusterMembership.pain_point_id).where(
                    ClusterMembership.run_id == run.id, ClusterMembership.pain_point_id.in_(ids)
                )
            )
        ).scalars()
    )
    todo = [i for i, pain_point_id in enumerate(ids) if pain_point_id not in existing]
    if not todo:
        return {}
    clusters = known if known is not None else await centroids(session, run.id)
    space = view.space_of(run.params.get(SPACE_KEY))
    vectors = view.project(encoded.vectors[todo], space)
    pinned, forbidden = await _corrections(session, run, [ids[i] for i in todo])
    placements = place(
        vectors,
        clusters,
        min_similarity=view.placement(space),
        forbidden=[forbidden.get(ids[i], set()) for i in todo] if forbidden else None,
    )
    grown: Grown = {}
    for index, placement in zip(todo, placements, strict=True):
        if ids[index] in pinned:
            placement = Placement(pinned[ids[index]], placement.similarity)
        session.add(
            ClusterMembership(
                run_id=run.id,
                pain_point_id=ids[index],
                cluster_id=placement.cluster_id,
                similarity=placement.similarity,
                source=MembershipSource.PLACED,
            )
        )
        if placement.cluster_id is not None:
            grown.setdefault(placement.cluster_id, []).append(ids[index])
    await session.flush()
    return grown


async def _corrections(
    session: AsyncSession, run: ClusterRun, ids: Sequence[str]
) -> tuple[dict[str, str | None], dict[str, set[str]]]:
    """Where people's corrections pin these pain points, and the clusters their split-offs forbid."""
    corrections = await cluster_constraints.active(session, run.team_id)
    if not corrections:
        return {}, {}
    rows = await session.execute(
        select(ClusterMembership.pain_point_id, ClusterMembership.cluster_id).where(
            ClusterMembership.run_id == run.id
        )
    )
    cluster_of = dict(rows.all())
    return cluster_constraints.placement_rules(corrections, ids, cluster_of)
