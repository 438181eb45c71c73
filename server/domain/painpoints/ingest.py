"""What happens to accepted pain points once their vectors exist: cached, linked to an original they repeat,
and placed into their team's current clusters. The submit path and the embedding job both end here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.clustering import find_duplicates
from server.domain.clusters.placement import Grown, current_run, outside, place_into
from server.domain.painpoints import vectors as painpoint_vectors
from server.domain.painpoints.access import COUNTED
from server.domain.painpoints.config import PainPointConfig
from server.domain.painpoints.vectors import Encoded
from server.models import PainPoint, PainPointStatus


@dataclass
class Settled:
    """The outcome: which pain points turned out to be duplicates, and which clusters grew (per team)."""

    duplicates: dict[str, str] = field(default_factory=dict)
    grown: dict[str, tuple[str, Grown]] = field(default_factory=dict)  # team id -> (run id, grown)
    # team id -> run id: teams whose current run cannot take some of the new pain points (its space lacks
    # their language), so they are clustered again
    outgrown: dict[str, str] = field(default_factory=dict)


async def settle(
    session: AsyncSession,
    pain_points: Sequence[PainPoint],
    encoded: Encoded,
    *,
    check_duplicates: Sequence[bool],
    config: PainPointConfig,
) -> Settled:
    """Cache the vectors (row i for pain point i), link near-duplicates within each case, place the rest.

    `check_duplicates[i]` is False for pain points whose status was decided before (a re-embedding under a
    new model must not turn an accepted pain point into a duplicate).
    """
    settled = Settled()
    ids = [p.id for p in pain_points]
    await painpoint_vectors.store(session, ids, encoded)
    row_of = {pain_point_id: i for i, pain_point_id in enumerate(ids)}

    by_case: dict[str, list[PainPoint]] = {}
    for pain_point, check in zip(pain_points, check_duplicates, strict=True):
        if check and pain_point.status is PainPointStatus.SUBMITTED:
            by_case.setdefault(pain_point.case_id, []).append(pain_point)
    for case_id, group in by_case.items():
        await _link_duplicates(session, case_id, group, [row_of[p.id] for p in group], ids, encoded, config)
    settled.duplicates = {p.id: p.duplicate_of for p in pain_points if p.duplicate_of is not None}

    by_team: dict[str, list[PainPoint]] = {}
    for pain_point in pain_points:
        counted = pain_point.status in (PainPointStatus.SUBMITTED, PainPointStatus.ADOPTED)
        if counted and pain_point.team_id is not None:
            by_team.setdefault(pain_point.team_id, []).append(pain_point)
    for team_id, members in by_team.items():
        run = await current_run(session, team_id)
        if run is None:
            continue
        rows = [row_of[p.id] for p in members]
        view = config.view(encoded.model, encoded.vectors.shape[1])
        grown = await place_into(
            session, run, [p.id for p in members], Encoded(encoded.model, encoded.vectors[rows]), view=view
        )
        if run.model == encoded.model and outside(run, encoded.vectors[rows], view):
            settled.outgrown[team_id] = run.id
        if grown:
            settled.grown[team_id] = (run.id, grown)
    return settled


async def _link_duplicates(
    session: AsyncSession,
    case_id: str,
    group: list[PainPoint],
    rows: list[int],
    batch_ids: list[str],
    encoded: Encoded,
    config: PainPointConfig,
) -> None:
    """Mark each pain point of `group` that repeats an original of its case or an earlier one of `group`."""
    original_ids = list(
        (
            await session.execute(
                select(PainPoint.id)
                .where(
                    PainPoint.case_id == case_id,
                    COUNTED,
                    PainPoint.id.not_in(batch_ids),
                )
                .order_by(PainPoint.id)
            )
        ).scalars()
    )
    kept, existing = await painpoint_vectors.load(session, original_ids, encoded.model)
    view = config.view(encoded.model, encoded.vectors.shape[1])
    found = find_duplicates(encoded.vectors[rows], existing, view=view)
    for pain_point, duplicate in zip(group, found, strict=True):
        if duplicate is None:
            continue
        pain_point.status = PainPointStatus.DUPLICATE
        pain_point.duplicate_of = group[duplicate.index].id if duplicate.in_batch else kept[duplicate.index]
        pain_point.duplicate_similarity = duplicate.similarity
    await session.flush()
