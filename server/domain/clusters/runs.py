"""A full re-clustering of one team's pain points: read the cached vectors, cluster, store the run as a whole.

A run is written in one transaction (with its clusters and every membership), so readers see the previous run
until the new one is complete, and a failure leaves the previous run in place. Cluster ids follow the
previous run's clusters by membership overlap (`server.clustering.matching`).
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from server.clustering import ClusteringParams, ClusteringResult, ClusterSummary, cluster, team_neighbours
from server.clustering.types import Embeddings
from server.clustering.views import Space, View
from server.domain import job_names, jobs, outbox
from server.domain.clusters import constraints as cluster_constraints
from server.domain.clusters import events as cluster_events
from server.domain.clusters.placement import SPACE_KEY, current_run, place_into
from server.domain.errors import NotFound, RateLimited
from server.domain.pagination import Page, paginate
from server.domain.painpoints import vectors as painpoint_vectors
from server.domain.painpoints.access import COUNTED
from server.domain.painpoints.vectors import Encoded, from_bytes, stack, to_bytes
from server.infra.config import Settings, float_setting
from server.infra.ids import new_id
from server.models import (
    Cluster,
    ClusterCorrection,
    ClusterMembership,
    ClusterRun,
    Job,
    MembershipSource,
    PainPoint,
    PainPointEmbedding,
    User,
)
from server.models.base import utcnow

METHOD = "umap+hdbscan"
# The job that makes runs (server/domain/painpoints/jobs.py); its rows in `jobs` carry {"team_id": ...}.
JOB_NAME = job_names.CLUSTER_PAIN_POINTS


@dataclass(frozen=True)
class RunInputs:
    """What one run clusters: the team's non-duplicate pain points that have a vector under `model`."""

    team_id: str
    model: str
    ids: list[str]
    vectors: Embeddings
    texts: list[str]
    created_at: list[datetime]
    case_ids: list[str]
    customers: list[str]
    # the previous run's clusters as {cluster id: member ids}, so ids carry over
    previous: dict[str, list[str]]
    # people's corrections not undone, newest first: constraints the run honours (`constraints.py`)
    corrections: list[ClusterCorrection] = field(default_factory=list)


async def load_inputs(session: AsyncSession, team_id: str, model: str) -> RunInputs:
    """Read the team's cached vectors and the previous run's memberships."""
    rows = (
        await session.execute(
            select(
                PainPoint.id,
                PainPoint.normalized_text,
                PainPoint.created_at,
                PainPoint.case_id,
                PainPoint.customer,
                PainPointEmbedding.vector,
                PainPointEmbedding.dimension,
            )
            .join(
                PainPointEmbedding,
                (PainPointEmbedding.pain_point_id == PainPoint.id) & (PainPointEmbedding.model == model),
            )
            .where(PainPoint.team_id == team_id, COUNTED)
            # By text: UMAP's layout depends on the input order, and ids made within one millisecond come in
            # any order, so the same pain points could cluster differently from one run to the next.
            .order_by(PainPoint.normalized_text, PainPoint.id)
        )
    ).all()
    previous: dict[str, list[str]] = {}
    run = await current_run(session, team_id)
    if run is not None:
        members = await session.execute(
            select(ClusterMembership.cluster_id, ClusterMembership.pain_point_id).where(
                ClusterMembership.run_id == run.id, ClusterMembership.cluster_id.is_not(None)
            )
        )
        for cluster_id, pain_point_id in members.all():
            if cluster_id is not None:
                previous.setdefault(cluster_id, []).append(pain_point_id)
    return RunInputs(
        team_id=team_id,
        model=model,
        ids=[r[0] for r in rows],
        vectors=stack([from_bytes(r[5], r[6]) for r in rows]),
        texts=[r[1] for r in rows],
        created_at=[r[2] for r in rows],
        case_ids=[r[3] for r in rows],
        customers=[r[4] for r in rows],
        previous=previous,
        corrections=await cluster_constraints.active(session, team_id),
    )


@dataclass(frozen=True)
class Computed:
    """A run's clusters and the space they were found in."""

    result: ClusteringResult
    space: Space


def compute(inputs: RunInputs, view: View, params: ClusteringParams | None = None) -> Computed:
    """Cluster the inputs in the team's space (`View.team_space`; CPU-bound: call it through
    `asyncio.to_thread`); outliers join a cluster from that space's placement cosine."""
    space = view.team_space(inputs.vectors)
    params = replace(params or ClusteringParams(), outlier_min_similarity=view.placement(space))
    started = time.perf_counter()
    knn = team_neighbours(view, inputs.vectors, space, params)
    neighbours = time.perf_counter() - started
    result = cluster(
        view.project(inputs.vectors, space),
        inputs.texts,
        inputs.created_at,
        ids=inputs.ids,
        previous=inputs.previous,
        params=params,
        new_id=new_id,
        constraints=cluster_constraints.build(inputs.corrections, inputs.ids),
        knn=knn,
        bridge=view.bridge(inputs.vectors, space),
    )
    if knn is not None:  # a mixed team's neighbours, found before the stages `cluster` times
        result = replace(result, seconds={"neighbours": neighbours, **result.seconds})
    result = cluster_constraints.renamed(inputs.corrections, result, inputs.ids)
    return Computed(result, space)


async def run_for_job(session: AsyncSession, job_id: str) -> ClusterRun | None:
    """The run a job already stored (a retried job finds its work done here)."""
    return (await session.execute(select(ClusterRun).where(ClusterRun.job_id == job_id))).scalar_one_or_none()


async def store_run(
    session: AsyncSession,
    inputs: RunInputs,
    computed: Computed,
    *,
    job_id: str,
    view: View,
) -> ClusterRun:
    """Write the run, its clusters and memberships; then place whatever arrived while it was computed."""
    result = computed.result
    run = ClusterRun(
        id=new_id(),
        team_id=inputs.team_id,
        job_id=job_id,
        model=inputs.model,
        method=METHOD,
        params={
            **result.params.as_dict(),
            SPACE_KEY: list(computed.space.weights),
            # how the space was read: English pairs' neighbours, joining clusters across languages
            "first_part_neighbours": view.first_part_neighbours,
            "cross_language_join": view.cross_language_join,
        },
        point_count=len(inputs.ids),
        cluster_count=len(result.clusters),
        unclustered_count=len(result.unclustered),
        seconds={stage: round(value, 3) for stage, value in result.seconds.items()},
        created_at=utcnow(),
    )
    session.add(run)
    await session.flush()
    if result.clusters:
        await session.execute(
            insert(Cluster), [_cluster_row(run.id, inputs, summary) for summary in result.clusters]
        )
    if inputs.ids:
        vectors = view.project(inputs.vectors, computed.space)
        await session.execute(
            insert(ClusterMembership), _membership_rows(run.id, inputs.ids, vectors, result)
        )
    await _place_newcomers(session, run, inputs, view)
    cluster_events.run_stored(session, run)
    return run


def _cluster_row(run_id: str, inputs: RunInputs, summary: ClusterSummary) -> dict[str, Any]:
    members = summary.members
    return {
        "run_id": run_id,
        "cluster_id": summary.id,
        "label": summary.label[:300],
        "keywords": [{"term": k.term, "score": round(float(k.score), 6)} for k in summary.keywords],
        "size": len(members),
        "representatives": [inputs.ids[i] for i in summary.representatives],
        "case_ids": sorted({inputs.case_ids[i] for i in members}),
        "customers": sorted({inputs.customers[i] for i in members}),
        "trend": [{"week": w.week.isoformat(), "count": w.count} for w in summary.trend],
        "centroid": to_bytes(summary.centroid),
    }


def _membership_rows(
    run_id: str, ids: list[str], vectors: Embeddings, result: ClusteringResult
) -> list[dict[str, Any]]:
    owners = result.cluster_of()
    similarity = _similarities(vectors, result)
    now = utcnow()
    return [
        {
            "run_id": run_id,
            "pain_point_id": pain_point_id,
            "cluster_id": owner,
            "similarity": float(similarity[i]),
            "source": MembershipSource.RUN,
            "created_at": now,
        }
        for i, (pain_point_id, owner) in enumerate(zip(ids, owners, strict=True))
    ]


def _similarities(vectors: Embeddings, result: ClusteringResult) -> np.ndarray:
    """Each pain point's cosine to its cluster's centroid; to the nearest centroid when unclustered."""
    scores = np.zeros(len(vectors), dtype=np.float32)
    if not result.clusters:
        return scores
    for summary in result.clusters:
        members = np.asarray(summary.members, dtype=np.intp)
        scores[members] = vectors[members] @ summary.centroid
    if result.unclustered:
        loose = np.asarray(result.unclustered, dtype=np.intp)
        matrix = np.vstack([s.centroid for s in result.clusters])
        scores[loose] = (vectors[loose] @ matrix.T).max(axis=1)
    return scores


async def _place_newcomers(session: AsyncSession, run: ClusterRun, inputs: RunInputs, view: View) -> None:
    """Pain points that got their vector after `load_inputs` join the new run as if placed on arrival."""
    team_ids = (
        await session.execute(select(PainPoint.id).where(PainPoint.team_id == inputs.team_id, COUNTED))
    ).scalars()
    clustered = set(inputs.ids)
    newcomers = [pain_point_id for pain_point_id in team_ids if pain_point_id not in clustered]
    ids, vectors = await painpoint_vectors.load(session, newcomers, inputs.model)
    if ids:
        await place_into(session, run, ids, Encoded(inputs.model, vectors), view=view)


async def team_runs(
    session: AsyncSession, team_id: str, *, first: int, after: str | None
) -> Page[ClusterRun]:
    """A team's runs, newest first, so R&D can compare them."""
    query = select(ClusterRun).where(ClusterRun.team_id == team_id)
    return await paginate(session, query, ClusterRun.id, first=first, after=after)


# A person may ask for a team's re-clustering at most this often (WARROOM_RECLUSTER_MIN_INTERVAL_SECONDS):
# a run takes the CPU of a worker for seconds to minutes, and the nightly run and the runs that new pain
# points trigger keep the clusters fresh in between.
DEFAULT_MIN_INTERVAL = timedelta(minutes=10)


def min_interval(settings: Settings) -> timedelta:
    """The shortest time between two runs people of one team ask for."""
    default = DEFAULT_MIN_INTERVAL.total_seconds()
    return timedelta(seconds=float_setting(settings.extra, "WARROOM_RECLUSTER_MIN_INTERVAL_SECONDS", default))


async def request(
    session: AsyncSession, user: User, team_id: str | None, *, interval: timedelta = timedelta(0)
) -> tuple[Job, bool]:
    """A re-clustering of the caller's team: the one already queued or running, else a new job row (True)
    that runs once the transaction commits. Anyone of the team may ask; the run serves everyone's view.
    RATE_LIMITED when someone of the team asked less than `interval` ago."""
    team = team_id or user.team_id
    if team is None or team != user.team_id:
        raise NotFound(f"No team with id {team} is visible to you.")
    if session.get_bind().dialect.name == "postgresql":
        # Requests of one team queue here until the first commits, so two servers never start two runs.
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(team)})
    running = await jobs.active(session, JOB_NAME, team)
    if running is not None:
        return running, False
    if interval > timedelta(0):
        await _check_interval(session, team, interval)
    job = await jobs.create(
        session, job_id=new_id(), name=JOB_NAME, params={"team_id": team}, created_by=user.id
    )
    outbox.job(session, JOB_NAME, job_id=job.id, team_id=team)
    return job, True


async def _check_interval(session: AsyncSession, team_id: str, interval: timedelta) -> None:
    since = utcnow() - interval
    recent = await session.execute(
        select(Job.created_at, Job.params)
        .where(Job.name == JOB_NAME, Job.created_by.is_not(None), Job.created_at > since)
        .order_by(Job.created_at.desc())
    )
    last = next((at for at, params in recent.all() if params.get("team_id") == team_id), None)
    if last is not None:
        wait = (last + interval - utcnow()).total_seconds()
        minutes = max(1, math.ceil(wait / 60))
        raise RateLimited(
            f"Your team's pain points were re-clustered recently; ask again in {minutes} "
            f"minute{'s' if minutes != 1 else ''} (they are also re-clustered nightly).",
            max(wait, 0.0),
        )


def _lock_key(team_id: str) -> int:
    digest = hashlib.blake2b(f"recluster:{team_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
