"""R&D's corrections of their team's clusters: rename, merge, split, move, uncluster, and undo.

Each is one transaction that changes the current run at once (so everyone sees it now), stores the
correction as data (`ClusterCorrection`, what every later run honours as constraints: `constraints.py`),
audits it and tells `clusterEvents` subscribers. Undo marks the correction undone: the next run is free.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit, outbox
from server.domain.clusters import constraints as kinds
from server.domain.clusters import events as cluster_events
from server.domain.clusters.placement import current_run
from server.domain.clusters.refresh import recluster_members, refresh
from server.domain.errors import BadInput, Forbidden, NotFound
from server.domain.pagination import Page, paginate
from server.infra.config import Settings
from server.infra.ids import is_id, new_id
from server.models import Cluster, ClusterCorrection, ClusterMembership, ClusterRun, User, UserRole
from server.models.base import utcnow

ROLES = (UserRole.RD, UserRole.ADMIN)
MAX_LABEL = 300
MAX_REASON = 1000


def require_team(user: User) -> str:
    """The team of an R&D person or admin; FORBIDDEN for anyone else."""
    if user.role not in ROLES or user.team_id is None:
        raise Forbidden(f"Only R&D and admins of a team can correct its clusters; you are {user.role.value}.")
    return user.team_id


async def _run(session: AsyncSession, team_id: str) -> ClusterRun:
    run = await current_run(session, team_id)
    if run is None:
        raise NotFound("Your team's pain points have not been clustered yet.")
    return run


async def _cluster(session: AsyncSession, run: ClusterRun, cluster_id: str) -> Cluster:
    found = await session.get(Cluster, (run.id, cluster_id)) if is_id(cluster_id) else None
    if found is None:
        raise NotFound(f"No cluster with id {cluster_id} is visible to you.")
    return found


async def _members(session: AsyncSession, run: ClusterRun, cluster_id: str) -> list[str]:
    rows = await session.execute(
        select(ClusterMembership.pain_point_id)
        .where(ClusterMembership.run_id == run.id, ClusterMembership.cluster_id == cluster_id)
        .order_by(ClusterMembership.pain_point_id)
    )
    return list(rows.scalars())


async def _membership(session: AsyncSession, run: ClusterRun, pain_point_id: str) -> ClusterMembership:
    found = await session.get(ClusterMembership, (run.id, pain_point_id)) if is_id(pain_point_id) else None
    if found is None:
        raise NotFound(f"No clustered pain point with id {pain_point_id} is visible to you.")
    return found


def _reason(reason: str | None) -> str | None:
    text = (reason or "").strip()
    if len(text) > MAX_REASON:
        raise BadInput(f"A reason has at most {MAX_REASON} characters.")
    return text or None


async def _store(
    session: AsyncSession,
    user: User,
    run: ClusterRun,
    kind: str,
    *,
    cluster_id: str | None,
    pain_point_id: str | None = None,
    data: dict[str, Any],
    reason: str | None,
    touched: Sequence[str] = (),
) -> ClusterCorrection:
    correction = ClusterCorrection(
        id=new_id(),
        team_id=run.team_id,
        kind=kind,
        cluster_id=cluster_id,
        pain_point_id=pain_point_id,
        data=data,
        reason=_reason(reason),
        created_by=user.id,
        created_at=utcnow(),
    )
    session.add(correction)
    await session.flush()
    await audit.record(
        session,
        actor_id=user.id,
        action=f"cluster.{kind}",
        subject=f"cluster_correction:{correction.id}",
        data={"cluster_id": cluster_id, "pain_point_id": pain_point_id, "reason": correction.reason, **data},
    )
    for touched_id in dict.fromkeys([c for c in [cluster_id, *touched] if c is not None]):
        outbox.event(
            session,
            cluster_events.topic(run.team_id),
            cluster_events.cluster_corrected(run.id, touched_id, [pain_point_id] if pain_point_id else []),
        )
    return correction


async def rename(
    session: AsyncSession, user: User, cluster_id: str, label: str, reason: str | None = None
) -> ClusterCorrection:
    """Name a cluster; the name follows it while a later run's cluster keeps most of its members."""
    run = await _run(session, require_team(user))
    target = await _cluster(session, run, cluster_id)
    label = label.strip()
    if not label or len(label) > MAX_LABEL:
        raise BadInput(f"A cluster's name has 1 to {MAX_LABEL} characters.")
    target.label = label
    members = await _members(session, run, cluster_id)
    return await _store(
        session,
        user,
        run,
        kinds.RENAME,
        cluster_id=cluster_id,
        data={"label": label, "members": members},
        reason=reason,
    )


async def merge(
    session: AsyncSession,
    settings: Settings,
    user: User,
    cluster_ids: Sequence[str],
    reason: str | None = None,
) -> ClusterCorrection:
    """Join clusters into the largest (its id survives; the others answer `mergedInto`); they stay one."""
    run = await _run(session, require_team(user))
    unique = list(dict.fromkeys(cluster_ids))
    if len(unique) < 2:
        raise BadInput("Name at least two different clusters to merge.")
    found = [await _cluster(session, run, c) for c in unique]
    survivor = max(found, key=lambda c: c.size)  # the first named wins a tie
    merged = [c.cluster_id for c in found if c is not survivor]
    await session.execute(
        update(ClusterMembership)
        .where(ClusterMembership.run_id == run.id, ClusterMembership.cluster_id.in_(merged))
        .values(cluster_id=survivor.cluster_id)
    )
    await session.execute(delete(Cluster).where(Cluster.run_id == run.id, Cluster.cluster_id.in_(merged)))
    await refresh(session, settings, run, [survivor.cluster_id])
    members = await _members(session, run, survivor.cluster_id)
    return await _store(
        session,
        user,
        run,
        kinds.MERGE,
        cluster_id=survivor.cluster_id,
        data={"merged": merged, "members": members},
        reason=reason,
        touched=merged,
    )


async def split(
    session: AsyncSession,
    settings: Settings,
    user: User,
    cluster_id: str,
    groups: Sequence[Sequence[str]] | None,
    reason: str | None = None,
) -> ClusterCorrection:
    """Split a cluster into groups of its pain points (default: re-cluster only its members); the groups
    stay apart. Members named in no group stay with the first, which keeps the cluster's id."""
    run = await _run(session, require_team(user))
    target = await _cluster(session, run, cluster_id)
    members = await _members(session, run, cluster_id)
    if groups is None:
        chosen = await recluster_members(session, settings, run, members)
    else:
        chosen = [list(dict.fromkeys(str(m) for m in group)) for group in groups if group]
        named = [m for group in chosen for m in group]
        if len(named) != len(set(named)):
            raise BadInput("A pain point may be in one group only.")
        stranger = next((m for m in named if m not in set(members)), None)
        if stranger is not None:
            raise NotFound(f"No pain point with id {stranger} is in cluster {cluster_id}.")
    if len(chosen) < 2 and groups is None:
        raise BadInput("Re-clustered alone, the cluster's pain points stay one group: name the groups.")
    if len(chosen) < 2:
        raise BadInput("A split needs at least two groups of the cluster's pain points.")
    rest = [m for m in members if m not in {x for group in chosen for x in group}]
    chosen[0] = [*chosen[0], *rest]
    new_ids = [new_id() for _ in chosen[1:]]
    for part_id, group in zip(new_ids, chosen[1:], strict=True):
        session.add(
            Cluster(
                run_id=run.id,
                cluster_id=part_id,
                label=target.label,
                keywords=[],
                size=len(group),
                representatives=[],
                case_ids=[],
                customers=[],
                trend=[],
                centroid=target.centroid,
            )
        )
        await session.flush()
        await session.execute(
            update(ClusterMembership)
            .where(ClusterMembership.run_id == run.id, ClusterMembership.pain_point_id.in_(group))
            .values(cluster_id=part_id)
        )
    await refresh(session, settings, run, [cluster_id, *new_ids], relabel=True)
    return await _store(
        session,
        user,
        run,
        kinds.SPLIT,
        cluster_id=cluster_id,
        data={"groups": chosen, "parts": [cluster_id, *new_ids]},
        reason=reason,
        touched=new_ids,
    )


async def move(
    session: AsyncSession,
    settings: Settings,
    user: User,
    pain_point_id: str,
    to_cluster_id: str,
    reason: str | None = None,
) -> ClusterCorrection:
    """Put a pain point into another cluster; later runs keep it with that cluster's members."""
    run = await _run(session, require_team(user))
    membership = await _membership(session, run, pain_point_id)
    await _cluster(session, run, to_cluster_id)
    source = membership.cluster_id
    anchors = await _members(session, run, to_cluster_id)
    membership.cluster_id = to_cluster_id
    await session.flush()
    await refresh(session, settings, run, [c for c in (source, to_cluster_id) if c is not None])
    return await _store(
        session,
        user,
        run,
        kinds.MOVE,
        cluster_id=to_cluster_id,
        pain_point_id=pain_point_id,
        data={"from": source, "members": [m for m in anchors if m != pain_point_id]},
        reason=reason,
        touched=[source] if source else [],
    )


async def uncluster(
    session: AsyncSession, settings: Settings, user: User, pain_point_id: str, reason: str | None = None
) -> ClusterCorrection:
    """Take a pain point out of every cluster; later runs leave it out."""
    run = await _run(session, require_team(user))
    membership = await _membership(session, run, pain_point_id)
    source = membership.cluster_id
    membership.cluster_id = None
    await session.flush()
    if source is not None:
        await refresh(session, settings, run, [source])
    return await _store(
        session,
        user,
        run,
        kinds.UNCLUSTER,
        cluster_id=source,
        pain_point_id=pain_point_id,
        data={"from": source},
        reason=reason,
    )


async def undo(
    session: AsyncSession, user: User, correction_id: str, reason: str | None = None
) -> ClusterCorrection:
    """Lift a correction: the clusters stay as they are until the next run, which is free of it."""
    team_id = require_team(user)
    correction = await session.get(ClusterCorrection, correction_id) if is_id(correction_id) else None
    if correction is None or correction.team_id != team_id:
        raise NotFound(f"No cluster correction with id {correction_id} is visible to you.")
    if correction.undone_at is not None:
        return correction
    correction.undone_at = utcnow()
    correction.undone_by = user.id
    await session.flush()
    await audit.record(
        session,
        actor_id=user.id,
        action="cluster.undo",
        subject=f"cluster_correction:{correction.id}",
        data={"kind": correction.kind, "cluster_id": correction.cluster_id, "reason": _reason(reason)},
    )
    run = await current_run(session, team_id)
    if run is not None and correction.cluster_id is not None:
        outbox.event(
            session,
            cluster_events.topic(team_id),
            cluster_events.cluster_corrected(run.id, correction.cluster_id, []),
        )
    return correction


async def listing(
    session: AsyncSession, user: User, *, first: int, after: str | None, cluster_id: str | None = None
) -> Page[ClusterCorrection]:
    """The team's corrections, newest first (those touching `cluster_id` when given)."""
    team_id = require_team(user)
    query = select(ClusterCorrection).where(ClusterCorrection.team_id == team_id)
    if cluster_id is not None:
        query = query.where(ClusterCorrection.cluster_id == cluster_id)
    return await paginate(session, query, ClusterCorrection.id, first=first, after=after)


async def merged_into(session: AsyncSession, team_id: str, cluster_id: str) -> str | None:
    """The survivor an active merge folded `cluster_id` into, if any."""
    for correction in await kinds.active(session, team_id):
        if correction.kind == kinds.MERGE and cluster_id in correction.data.get("merged", []):
            return correction.cluster_id
    return None
