"""R&D's and admins' corrections of their team's clusters; each is kept and honoured by later runs."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.cluster_corrections import ClusterCorrection
from server.domain.clusters import corrections

_WHO = " R&D and admins of the team only (FORBIDDEN otherwise); another team's ids answer NOT_FOUND."


@strawberry.type
class ClusterCorrectionMutations:
    @strawberry.mutation(
        description="Name a cluster; later runs keep the name on the cluster holding most of its members."
        + _WHO
    )
    async def rename_cluster(
        self, info: Info, id: strawberry.ID, label: str, reason: str | None = None
    ) -> ClusterCorrection:
        user = await info.context.user()
        async with info.context.command() as session:
            row = await corrections.rename(session, user, str(id), label, reason)
            return ClusterCorrection.of(row)

    @strawberry.mutation(
        description="Join clusters into the largest (its id survives; the others answer mergedInto); later "
        "runs keep them one." + _WHO
    )
    async def merge_clusters(
        self, info: Info, ids: list[strawberry.ID], reason: str | None = None
    ) -> ClusterCorrection:
        user = await info.context.user()
        async with info.context.command() as session:
            row = await corrections.merge(session, info.context.settings, user, [str(i) for i in ids], reason)
            return ClusterCorrection.of(row)

    @strawberry.mutation(
        description="Split a cluster into groups of its pain points (without groups: re-cluster only its "
        "members); the first group keeps the id, later runs keep the groups apart." + _WHO
    )
    async def split_cluster(
        self,
        info: Info,
        id: strawberry.ID,
        groups: list[list[strawberry.ID]] | None = None,
        reason: str | None = None,
    ) -> ClusterCorrection:
        user = await info.context.user()
        chosen = [[str(m) for m in group] for group in groups] if groups is not None else None
        async with info.context.command() as session:
            row = await corrections.split(session, info.context.settings, user, str(id), chosen, reason)
            return ClusterCorrection.of(row)

    @strawberry.mutation(
        description="Put a pain point into another cluster; later runs keep it there." + _WHO
    )
    async def move_pain_point(
        self, info: Info, id: strawberry.ID, to_cluster_id: strawberry.ID, reason: str | None = None
    ) -> ClusterCorrection:
        user = await info.context.user()
        async with info.context.command() as session:
            row = await corrections.move(
                session, info.context.settings, user, str(id), str(to_cluster_id), reason
            )
            return ClusterCorrection.of(row)

    @strawberry.mutation(
        description="Take a pain point out of every cluster; later runs leave it out." + _WHO
    )
    async def uncluster_pain_point(
        self, info: Info, id: strawberry.ID, reason: str | None = None
    ) -> ClusterCorrection:
        user = await info.context.user()
        async with info.context.command() as session:
            row = await corrections.uncluster(session, info.context.settings, user, str(id), reason)
            return ClusterCorrection.of(row)

    @strawberry.mutation(
        description="Lift a correction: the clusters stay as they are until the next run, which is free of "
        "it." + _WHO
    )
    async def undo_cluster_correction(
        self, info: Info, id: strawberry.ID, reason: str | None = None
    ) -> ClusterCorrection:
        user = await info.context.user()
        async with info.context.command() as session:
            row = await corrections.undo(session, user, str(id), reason)
            return ClusterCorrection.of(row)
