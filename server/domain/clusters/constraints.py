"""People's cluster corrections turned into the engine's constraints, and renames carried to a new run.

Corrections are read newest first: a pain point is decided by the newest correction that moved, excluded,
merged or split it, and older corrections lose their hold on it (moved twice, it stays where it was put
last). A rename is no constraint: it names the new cluster that holds most of the renamed one's members.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.clustering import ClusteringResult, Constraints
from server.models import ClusterCorrection

RENAME = "rename"
MERGE = "merge"
SPLIT = "split"
MOVE = "move"
UNCLUSTER = "uncluster"
KINDS = (RENAME, MERGE, SPLIT, MOVE, UNCLUSTER)


async def active(session: AsyncSession, team_id: str) -> list[ClusterCorrection]:
    """The team's corrections not undone, newest first."""
    query = (
        select(ClusterCorrection)
        .where(ClusterCorrection.team_id == team_id, ClusterCorrection.undone_at.is_(None))
        .order_by(ClusterCorrection.created_at.desc(), ClusterCorrection.id.desc())
    )
    return list((await session.execute(query)).scalars())


def build(corrections: Sequence[ClusterCorrection], ids: Sequence[str]) -> Constraints:
    """The must-link groups, cannot-link pairs and exclusions over `ids` (indices) the corrections make."""
    index = {pain_point_id: i for i, pain_point_id in enumerate(ids)}
    taken: set[str] = set()
    must: list[list[int]] = []
    cannot: list[tuple[int, int]] = []
    excluded: list[int] = []

    def present(members: Sequence[str]) -> list[int]:
        return [index[m] for m in members if m in index and m not in taken]

    for correction in corrections:
        data = correction.data
        if correction.kind == MERGE:
            must.append(present(data.get("members", [])))
            taken.update(data.get("members", []))
        elif correction.kind == SPLIT:
            groups = [present(group) for group in data.get("groups", [])]
            must.extend(groups)
            heads = [group[0] for group in groups if group]
            cannot.extend(combinations(heads, 2))
            taken.update(m for group in data.get("groups", []) for m in group)
        elif correction.kind == MOVE and correction.pain_point_id not in taken:
            subject = correction.pain_point_id
            if subject in index:
                anchors = [i for i in present(data.get("members", [])) if ids[i] != subject]
                if anchors:
                    must.append([index[subject], *anchors])
            taken.add(str(subject))
        elif correction.kind == UNCLUSTER and correction.pain_point_id not in taken:
            if correction.pain_point_id in index:
                excluded.append(index[correction.pain_point_id])
            taken.add(str(correction.pain_point_id))
    return Constraints(
        must_link=[group for group in must if len(group) > 1], cannot_link=cannot, excluded=excluded
    )


def renamed(
    corrections: Sequence[ClusterCorrection], result: ClusteringResult, ids: Sequence[str]
) -> ClusteringResult:
    """The result with each renamed cluster's label on the new cluster holding most of its members."""
    owner: Mapping[str, str | None] = dict(zip(ids, result.cluster_of(), strict=True))
    labels: dict[str, str] = {}
    for correction in corrections:  # newest first: the newest name wins
        if correction.kind != RENAME:
            continue
        members = correction.data.get("members", [])
        counts: dict[str, int] = {}
        for member in members:
            cluster_id = owner.get(member)
            if cluster_id is not None:
                counts[cluster_id] = counts.get(cluster_id, 0) + 1
        if not counts:
            continue
        best = max(sorted(counts), key=lambda c: counts[c])
        if counts[best] * 2 > len(members) and best not in labels:
            labels[best] = str(correction.data["label"])
    if not labels:
        return result
    clusters = [replace(c, label=labels[c.id]) if c.id in labels else c for c in result.clusters]
    return replace(result, clusters=clusters)


def placement_rules(
    corrections: Sequence[ClusterCorrection], new_ids: Sequence[str], cluster_of: Mapping[str, str | None]
) -> tuple[dict[str, str | None], dict[str, set[str]]]:
    """For pain points placed between runs: where corrections pin them ({id: cluster or None}) and which
    clusters they may not join ({id: cluster ids}), given the current run's memberships."""
    pinned: dict[str, str | None] = {}
    forbidden: dict[str, set[str]] = {}
    wanted = set(new_ids)
    taken: set[str] = set()
    for correction in corrections:
        data = correction.data
        subject = correction.pain_point_id
        if correction.kind in (MOVE, UNCLUSTER) and subject in wanted and subject not in taken:
            target = None
            if correction.kind == MOVE:
                owners = [cluster_of.get(m) for m in data.get("members", []) if m in cluster_of]
                target = max(set(owners) - {None}, key=owners.count, default=None) if owners else None
            pinned[str(subject)] = target
            taken.add(str(subject))
        elif correction.kind == SPLIT:
            groups = data.get("groups", [])
            for position, group in enumerate(groups):
                for member in group:
                    if member in wanted and member not in taken:
                        others = {cluster_of.get(m) for j, g in enumerate(groups) if j != position for m in g}
                        forbidden.setdefault(member, set()).update(c for c in others if c is not None)
            taken.update(m for group in groups for m in group)
    return pinned, forbidden
