"""Catching up on vectors: a team's pain points with no vector under the configured model get one, in
batches, each batch committed on its own (a retried job resumes where the last one stopped).

This covers pain points accepted while the model could not run (they are checked for duplicates now, and
only then rewarded) and the re-embedding of everything after the model changes (their status stays here;
`painpoint_recheck` then decides the duplicates again under the new model).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.clustering import Embedder
from server.domain.clusters import events as cluster_events
from server.domain.painpoints import vectors as painpoint_vectors
from server.domain.painpoints.config import PainPointConfig
from server.domain.painpoints.ingest import Settled, settle
from server.domain.points import awards
from server.domain.points.awards import AwardRequest
from server.infra.db import Database
from server.models import PainPoint, PainPointEmbedding, PainPointStatus

BATCH = 256

# (done, total) after each committed batch
Progress = Callable[[int, int], Awaitable[None]]


@dataclass
class EmbedReport:
    embedded: int = 0
    reembedded: int = 0  # of those, pain points that had a vector under another model (a model change)
    settled: list[Settled] = field(default_factory=list)
    awards: list[AwardRequest] = field(default_factory=list)


def _lacking(team_id: str, model: str) -> list[ColumnElement[bool]]:
    has_vector = exists().where(
        PainPointEmbedding.pain_point_id == PainPoint.id, PainPointEmbedding.model == model
    )
    return [PainPoint.team_id == team_id, ~has_vector]


async def count_missing(session: AsyncSession, team_id: str, model: str) -> int:
    """How many of the team's pain points have no vector under `model`."""
    return int(
        await session.scalar(select(func.count()).select_from(PainPoint).where(*_lacking(team_id, model)))
        or 0
    )


async def teams_missing(session: AsyncSession, model: str) -> dict[str, int]:
    """{team id: how many of its pain points have no vector under `model`}, for the teams that lack any."""
    has_vector = exists().where(
        PainPointEmbedding.pain_point_id == PainPoint.id, PainPointEmbedding.model == model
    )
    rows = await session.execute(
        select(PainPoint.team_id, func.count())
        .where(PainPoint.team_id.is_not(None), ~has_vector)
        .group_by(PainPoint.team_id)
    )
    return {team_id: int(count) for team_id, count in rows.all() if team_id is not None}


async def embed_missing(
    db: Database,
    team_id: str,
    embedder: Embedder,
    config: PainPointConfig,
    *,
    batch: int = BATCH,
    progress: Progress | None = None,
) -> EmbedReport:
    """Encode and settle every pain point of the team that lacks a vector under the embedder's model."""
    model = embedder.model_name
    report = EmbedReport()
    async with db.sessions() as session:
        total = await count_missing(session, team_id, model)
    while True:
        async with db.sessions() as session:
            texts = (
                await session.execute(
                    select(PainPoint.id, PainPoint.normalized_text)
                    .where(*_lacking(team_id, model))
                    .order_by(PainPoint.created_at, PainPoint.id)
                    .limit(batch)
                )
            ).all()
        if not texts:
            return report
        encoded = await painpoint_vectors.encode(embedder, [text for _, text in texts])
        ids = [pain_point_id for pain_point_id, _ in texts]
        async with db.transaction() as session:
            rows = {
                p.id: p
                for p in (await session.execute(select(PainPoint).where(PainPoint.id.in_(ids)))).scalars()
            }
            vectored_before = set(
                (
                    await session.execute(
                        select(PainPointEmbedding.pain_point_id).where(
                            PainPointEmbedding.pain_point_id.in_(ids)
                        )
                    )
                ).scalars()
            )
            pain_points = [rows[i] for i in ids if i in rows]
            keep = [k for k, i in enumerate(ids) if i in rows]
            first_time = [p.id not in vectored_before for p in pain_points]
            settled = await settle(
                session,
                pain_points,
                painpoint_vectors.Encoded(encoded.model, encoded.vectors[keep]),
                check_duplicates=first_time,
                config=config,
            )
            accepted = [
                awards.pain_point_accepted(p.id, p.author_id)
                for p, fresh in zip(pain_points, first_time, strict=True)
                if fresh and p.status is PainPointStatus.SUBMITTED
            ]
            # On commit: the team hears which clusters grew, and the acceptance awards run.
            cluster_events.grown(session, settled)
            for request in accepted:
                awards.queue_award(session, request)
        report.settled.append(settled)
        report.awards.extend(accepted)
        report.embedded += len(pain_points)
        report.reembedded += first_time.count(False)
        if progress is not None:
            await progress(report.embedded, max(total, report.embedded))
