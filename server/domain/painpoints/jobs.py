"""Pain-point jobs: catch up on vectors, decide duplicates again, re-cluster a team, and queue every team's
nightly re-cluster. A catch-up that re-embedded pain points (the model changed) ends with the recheck of the
team's duplicates under the new model.

The model loads once per process (`shared_embedder`); encoding and clustering run in a thread so the event
loop keeps serving. Safe to run twice: vectors are written once per pain point and model, a cluster run
once per job id, and a failure leaves the previous run in place with the error on the job.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.clustering import shared_embedder
from server.clustering.embedding import Embedder
from server.domain import jobs, outbox
from server.domain.clusters import runs as cluster_runs
from server.domain.painpoints import embedding as painpoint_embedding
from server.domain.painpoints import recheck as painpoint_recheck
from server.domain.painpoints.config import PainPointConfig
from server.domain.painpoints.embedding import EmbedReport
from server.infra.job_context import JobContext
from server.models import ClusterRun, Job, PainPoint

log = logging.getLogger("warroom.jobs.painpoints")

CLUSTER_JOB = cluster_runs.JOB_NAME
RECHECK_JOB = painpoint_recheck.JOB_NAME
# Nightly job ids are derived from team and date, so a schedule that fires twice queues one run.
_NIGHTLY = uuid.UUID("6f2d8f0e-35f4-4c4e-9d0b-8a1c2f7d9b41")
# The re-clustering that follows a model change gets one job id per team and model.
_MODEL_CHANGE = uuid.UUID("0b7e0c55-52a8-4f0e-9d8a-2f6c1b9e7a13")
# Share of a run's progress spent catching up on vectors (all of it after a model change).
_EMBED_SHARE = 0.45


async def embed_pain_points(ctx: JobContext, team_id: str) -> int:
    """Give every pain point of the team a vector under the configured model; returns how many it made."""
    config = PainPointConfig.from_settings(ctx["settings"])
    report = await _catch_up(ctx, team_id, shared_embedder(config.model), config)
    return report.embedded


async def recheck_duplicates(ctx: JobContext, team_id: str) -> int:
    """Catch up on vectors, then decide the team's duplicates again; returns how many were restored.

    With a job id its progress shows on `job(id)`; without one (queued by code) it just runs.
    """
    db = ctx["db"]
    job_id = ctx.get("job_id") or ""
    config = PainPointConfig.from_settings(ctx["settings"])
    embedder = shared_embedder(config.model)

    async def embedded(done: int, total: int) -> None:
        if job_id:
            await jobs.progress(db, job_id, 0.5 * done / max(total, 1))

    async def rechecked(done: int, total: int) -> None:
        if job_id:
            await jobs.progress(db, job_id, 0.5 + 0.5 * done / max(total, 1))

    if job_id:
        await jobs.started(db, job_id, RECHECK_JOB, {"team_id": team_id})
    try:
        caught_up = await _catch_up(ctx, team_id, embedder, config, progress=embedded, recheck=False)
        report = await painpoint_recheck.recheck_duplicates(
            db, team_id, embedder.model_name, config, progress=rechecked
        )
    except Exception as error:
        if job_id:
            await jobs.failed(db, job_id, error)
        raise
    if job_id:
        await _mark_succeeded(ctx, job_id)
    log.info(
        "rechecked duplicates",
        extra={
            "team_id": team_id,
            "embedded": caught_up.embedded,
            "checked": report.checked,
            "restored": len(report.restored),
        },
    )
    return len(report.restored)


async def cluster_pain_points(ctx: JobContext, team_id: str) -> str | None:
    """Re-cluster the team's pain points and store the run as a whole; returns the run id (None: nothing)."""
    db = ctx["db"]
    job_id = ctx.get("job_id") or ""
    if not job_id:
        raise ValueError("cluster_pain_points needs a job id: one run is stored per job id")
    async with db.sessions() as session:
        done = await cluster_runs.run_for_job(session, job_id)
    if done is not None:
        await _mark_succeeded(ctx, job_id)
        return done.id
    await jobs.started(db, job_id, CLUSTER_JOB, {"team_id": team_id})
    try:
        run = await _recluster(ctx, job_id, team_id)
    except Exception as error:
        await jobs.failed(db, job_id, error)
        raise
    if run is not None:
        log.info(
            "clustered pain points",
            extra={
                "team_id": team_id,
                "run_id": run.id,
                "clusters": run.cluster_count,
                "points": run.point_count,
            },
        )
    return run.id if run is not None else None


async def _recluster(ctx: JobContext, job_id: str, team_id: str) -> ClusterRun | None:
    db = ctx["db"]
    config = PainPointConfig.from_settings(ctx["settings"])
    embedder = shared_embedder(config.model)

    async def embedded(done: int, total: int) -> None:
        await jobs.progress(db, job_id, _EMBED_SHARE * done / max(total, 1))

    await _catch_up(ctx, team_id, embedder, config, progress=embedded)
    async with db.sessions() as session:
        inputs = await cluster_runs.load_inputs(session, team_id, embedder.model_name)
    await jobs.progress(db, job_id, _EMBED_SHARE + 0.05)
    if not inputs.ids:
        await _mark_succeeded(ctx, job_id)
        return None
    view = config.view(inputs.model, inputs.vectors.shape[1])
    computed = await asyncio.to_thread(cluster_runs.compute, inputs, view)
    await jobs.progress(db, job_id, 0.9)
    try:
        async with db.transaction() as session:
            run = await cluster_runs.store_run(
                session,
                inputs,
                computed,
                job_id=job_id,
                view=view,
            )
            await jobs.succeeded(session, job_id)
    except IntegrityError:
        # Another attempt of this job stored its run first (the job id is unique on runs): that run stands.
        async with db.sessions() as session:
            stored = await cluster_runs.run_for_job(session, job_id)
        if stored is None:
            raise
        await _mark_succeeded(ctx, job_id)
        return stored
    return run


async def _mark_succeeded(ctx: JobContext, job_id: str) -> None:
    async with ctx["db"].transaction() as session:
        await jobs.succeeded(session, job_id)


async def _catch_up(
    ctx: JobContext,
    team_id: str,
    embedder: Embedder,
    config: PainPointConfig,
    *,
    progress: painpoint_embedding.Progress | None = None,
    recheck: bool = True,
) -> EmbedReport:
    """Embed what lacks a vector under the model; after a model change, decide duplicates again under it."""
    report = await painpoint_embedding.embed_missing(ctx["db"], team_id, embedder, config, progress=progress)
    if recheck and report.reembedded:
        await painpoint_recheck.recheck_duplicates(ctx["db"], team_id, embedder.model_name, config)
    return report


async def catch_up_model(ctx: JobContext) -> int:
    """After the model changed (or at the first start of a new default): queue a re-clustering of every team
    whose pain points lack vectors under the configured model; returns how many were queued.

    Each is an ordinary re-clustering job with its row in `jobs`, so its progress shows on `job(id)` and on
    R&D's page: it re-embeds the team's pain points, decides their duplicates again under the new vectors,
    then clusters them. The job id follows from team and model, so servers starting together queue it once.
    """
    db = ctx["db"]
    model = shared_embedder(PainPointConfig.from_settings(ctx["settings"]).model).model_name
    async with db.sessions() as session:
        lacking = await painpoint_embedding.teams_missing(session, model)
    queued = 0
    for team_id in sorted(lacking):
        job_id = str(uuid.uuid5(_MODEL_CHANGE, f"{team_id}:{model}"))
        async with db.transaction() as session:
            if await session.get(Job, job_id) is not None or await jobs.active(session, CLUSTER_JOB, team_id):
                continue
            await jobs.create(
                session, job_id=job_id, name=CLUSTER_JOB, params={"team_id": team_id}, created_by=None
            )
            outbox.job(session, CLUSTER_JOB, job_id=job_id, team_id=team_id)
        log.info("re-embedding after a model change", extra={"team_id": team_id, "model": model})
        queued += 1
    return queued


async def recluster_teams(ctx: JobContext) -> int:
    """Queue a re-cluster of every team that has pain points (the nightly schedule); returns how many."""
    db = ctx["db"]
    day = datetime.now(UTC).date().isoformat()
    async with db.sessions() as session:
        teams = list(
            (
                await session.execute(
                    select(PainPoint.team_id).where(PainPoint.team_id.is_not(None)).distinct()
                )
            ).scalars()
        )
    queued = 0
    for team_id in sorted(t for t in teams if t is not None):
        job_id = str(uuid.uuid5(_NIGHTLY, f"{team_id}:{day}"))
        async with db.transaction() as session:
            if await session.get(Job, job_id) is None:
                await jobs.create(
                    session, job_id=job_id, name=CLUSTER_JOB, params={"team_id": team_id}, created_by=None
                )
            # again when the row exists: an earlier attempt may have died before its job ran
            outbox.job(session, CLUSTER_JOB, job_id=job_id, team_id=team_id)
        queued += 1
    return queued
