"""Deciding duplicates again under the configured model: a DUPLICATE that no counted pain point of its case
comes within the duplicate threshold of is restored (status SUBMITTED) and earns its acceptance award, once.

This repairs duplicates decided by another model (the English-only default marked distinct Chinese texts as
copies of each other) or by a lower threshold. It only ever restores: a pain point that was accepted is never
turned into a duplicate afterwards, so nothing anyone earned is taken back by a change of model. A duplicate
that still repeats an original is linked to its nearest one under the configured model.

Cases go one transaction each, under the case's lock (as submissions take it), with the status change, the
award and the audit event together; a run stopped midway resumes where it stopped, and a second run changes
nothing. Only vectors of the configured model are compared; a case with a pain point lacking one is skipped
(the embedding job or a re-clustering makes them).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.clustering import find_duplicates
from server.clustering.types import Embeddings
from server.domain import audit, job_names
from server.domain.clusters import events as cluster_events
from server.domain.clusters.placement import current_run, place_into
from server.domain.painpoints import vectors as painpoint_vectors
from server.domain.painpoints.config import PainPointConfig
from server.domain.painpoints.ingest import Settled
from server.domain.painpoints.vectors import Encoded
from server.domain.points import awards
from server.domain.points.ledger import Entry
from server.infra.db import Database
from server.models import Case, PainPoint, PainPointStatus

JOB_NAME = job_names.RECHECK_DUPLICATES

# (cases done, cases in all) after each committed case
Progress = Callable[[int, int], Awaitable[None]]

_COUNTED = (PainPointStatus.SUBMITTED, PainPointStatus.ADOPTED)


@dataclass
class RecheckReport:
    """What a recheck did: duplicates compared, restored (ids), left undecided for want of vectors."""

    checked: int = 0
    restored: list[str] = field(default_factory=list)
    skipped: int = 0
    entries: list[Entry] = field(default_factory=list)  # ledger entries the restorations wrote
    settled: list[Settled] = field(default_factory=list)  # clusters the restored pain points joined

    def add(self, other: RecheckReport) -> None:
        self.checked += other.checked
        self.restored.extend(other.restored)
        self.skipped += other.skipped
        self.entries.extend(other.entries)
        self.settled.extend(other.settled)


async def teams_with_duplicates(session: AsyncSession) -> list[str]:
    """The teams that have DUPLICATE pain points, in id order."""
    rows = await session.execute(
        select(PainPoint.team_id)
        .where(PainPoint.status == PainPointStatus.DUPLICATE, PainPoint.team_id.is_not(None))
        .distinct()
    )
    return sorted(team_id for team_id in rows.scalars() if team_id is not None)


async def recheck_duplicates(
    db: Database, team_id: str, model: str, config: PainPointConfig, *, progress: Progress | None = None
) -> RecheckReport:
    """Decide every DUPLICATE of the team again under `model`; restore and award the distinct ones."""
    async with db.sessions() as session:
        case_ids = sorted(
            (
                await session.execute(
                    select(PainPoint.case_id)
                    .where(PainPoint.team_id == team_id, PainPoint.status == PainPointStatus.DUPLICATE)
                    .distinct()
                )
            ).scalars()
        )
    report = RecheckReport()
    for done, case_id in enumerate(case_ids, start=1):
        async with db.transaction() as session:
            report.add(await _recheck_case(session, case_id, model, config))
        if progress is not None:
            await progress(done, len(case_ids))
    return report


async def _recheck_case(
    session: AsyncSession, case_id: str, model: str, config: PainPointConfig
) -> RecheckReport:
    report = RecheckReport()
    # The lock submissions take: a pain point submitted meanwhile is compared with what this decides.
    await session.execute(select(Case.id).where(Case.id == case_id).with_for_update())
    rows = list(
        (
            await session.execute(
                select(PainPoint)
                .where(
                    PainPoint.case_id == case_id, PainPoint.status.in_((*_COUNTED, PainPointStatus.DUPLICATE))
                )
                .order_by(PainPoint.created_at, PainPoint.id)
            )
        ).scalars()
    )
    counted = [p.id for p in rows if p.status in _COUNTED]
    duplicates = [p for p in rows if p.status is PainPointStatus.DUPLICATE]
    original_ids, originals = await painpoint_vectors.load(session, counted, model)
    checkable_ids, vectors = await painpoint_vectors.load(session, [p.id for p in duplicates], model)
    if len(original_ids) < len(counted) or not checkable_ids:
        # An original without a vector could be the one a duplicate repeats: decide nothing here yet.
        report.skipped = len(duplicates)
        return report
    checkable = [p for p in duplicates if p.id in set(checkable_ids)]
    report.skipped = len(duplicates) - len(checkable)
    report.checked = len(checkable)
    view = config.view(model, vectors.shape[1])
    # Earlier duplicates restored here count as originals for later ones (`find_duplicates`'s batch).
    found = find_duplicates(vectors, originals, view=view)
    restored: list[PainPoint] = []
    for pain_point, duplicate in zip(checkable, found, strict=True):
        if duplicate is not None:
            pain_point.duplicate_of = (
                checkable[duplicate.index].id if duplicate.in_batch else original_ids[duplicate.index]
            )
            pain_point.duplicate_similarity = duplicate.similarity
            continue
        was = pain_point.duplicate_of
        pain_point.status = PainPointStatus.SUBMITTED
        pain_point.duplicate_of = None
        pain_point.duplicate_similarity = None
        restored.append(pain_point)
        await audit.record(
            session,
            actor_id=None,
            action="pain_point.restored",
            subject=pain_point.id,
            data={
                "author_id": pain_point.author_id,
                "case_id": case_id,
                "was_duplicate_of": was,
                "model": model,
                "thresholds": {part.model: part.duplicate for part in view.parts},
            },
        )
    await session.flush()
    if restored:
        report.restored = [p.id for p in restored]
        outcomes = await awards.award_many(
            session, [awards.pain_point_accepted(p.id, p.author_id) for p in restored]
        )
        report.entries = [outcome.entry for outcome in outcomes if outcome.wrote and outcome.entry]
        report.settled = [await _place(session, restored, checkable, vectors, model, config)]
        # On commit: the team hears of the clusters that grew (the authors of their points: award_many).
        cluster_events.grown(session, report.settled[0])
    return report


async def _place(
    session: AsyncSession,
    restored: Sequence[PainPoint],
    checked: Sequence[PainPoint],
    vectors: Embeddings,
    model: str,
    config: PainPointConfig,
) -> Settled:
    """Restored pain points join the team's current clusters, as new ones do (if the run is of `model`)."""
    settled = Settled()
    team_id = restored[0].team_id
    run = await current_run(session, team_id)
    if run is None or team_id is None:
        return settled
    row = {p.id: i for i, p in enumerate(checked)}
    grown = await place_into(
        session,
        run,
        [p.id for p in restored],
        Encoded(model, vectors[[row[p.id] for p in restored]]),
        view=config.view(model, vectors.shape[1]),
    )
    if grown:
        settled.grown[team_id] = (run.id, grown)
    return settled
