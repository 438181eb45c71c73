"""Reading clusters (R&D across the team, everyone else over their own cases), runs and jobs."""

from __future__ import annotations

from datetime import datetime

import strawberry

from server.api.context import Info
from server.api.types.cluster_corrections import ClusterCorrection, ClusterCorrectionConnection
from server.api.types.clusters import (
    ClusterRun,
    ClusterRunConnection,
    PainPointCluster,
    PainPointClusterConnection,
)
from server.api.types.common import PageInfo
from server.api.types.jobs import Job
from server.domain import jobs
from server.domain.clusters import corrections
from server.domain.clusters import runs as cluster_runs
from server.domain.clusters import views as cluster_views
from server.domain.clusters.placement import current_run
from server.domain.clusters.views import ClusterFilter
from server.domain.errors import NotFound


@strawberry.input(
    description="Narrow clusters to pain points created in [since, until), of a product or customer."
)
class ClusterFilterInput:
    since: datetime | None = None
    until: datetime | None = None
    product: str | None = None
    customer: str | None = None
    min_size: int = strawberry.field(
        default=1, description="Leave out clusters with fewer pain points (as you see them)."
    )
    run_id: strawberry.ID | None = strawberry.field(
        default=None, description="An earlier run of your team; default: the current one."
    )

    def to_domain(self) -> ClusterFilter:
        return ClusterFilter(
            since=self.since,
            until=self.until,
            product=self.product,
            customer=self.customer,
            min_size=self.min_size,
            run_id=str(self.run_id) if self.run_id is not None else None,
        )


@strawberry.type
class ClusterQueries:
    @strawberry.field(
        description="Your team's pain-point clusters, largest first. R&D see every case of the team "
        "(pain-point text only); everyone else sees the pain points of their own cases."
    )
    async def pain_point_clusters(
        self, info: Info, filter: ClusterFilterInput | None = None, first: int = 20, after: str | None = None
    ) -> PainPointClusterConnection:
        user = await info.context.user()
        flt = filter.to_domain() if filter is not None else ClusterFilter()
        async with info.context.read() as session:
            run = await cluster_views.resolve_run(session, user, flt.run_id)
            latest = await current_run(session, user.team_id)
            page = (
                await cluster_views.clusters(session, user, run, flt, first=first, after=after)
                if run is not None
                else cluster_views.ClusterPage([], False, None)
            )
        return PainPointClusterConnection(
            nodes=[PainPointCluster.of(view, flt) for view in page.nodes],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            run=ClusterRun.of(run) if run is not None else None,
            current=run is None or (latest is not None and latest.id == run.id),
            filter=flt,
            run_row=run,
        )

    @strawberry.field(
        description="One cluster of your team's current run (or of filter.runId), as you see it; NOT_FOUND "
        "when none of its pain points are visible to you."
    )
    async def pain_point_cluster(
        self, info: Info, id: strawberry.ID, filter: ClusterFilterInput | None = None
    ) -> PainPointCluster:
        user = await info.context.user()
        flt = filter.to_domain() if filter is not None else ClusterFilter()
        async with info.context.read() as session:
            run = await cluster_views.resolve_run(session, user, flt.run_id)
            try:
                view = await cluster_views.cluster(session, user, run, str(id), flt)
            except NotFound:
                # a cluster merged away answers with its survivor's clusters, naming it in mergedInto
                survivor = (
                    await corrections.merged_into(session, user.team_id, str(id)) if user.team_id else None
                )
                if survivor is None or flt.run_id is not None:
                    raise
                view = await cluster_views.cluster(session, user, run, survivor, flt)
                return PainPointCluster.of(view, flt, asked=str(id))
        return PainPointCluster.of(view, flt)

    @strawberry.field(
        description="Your team's corrections of its clusters, newest first (undone ones too). R&D and admins "
        "only (FORBIDDEN otherwise)."
    )
    async def cluster_corrections(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> ClusterCorrectionConnection:
        user = await info.context.user()
        async with info.context.read() as session:
            page = await corrections.listing(session, user, first=first, after=after)
        return ClusterCorrectionConnection(
            nodes=[ClusterCorrection.of(row) for row in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )

    @strawberry.field(description="Your team's clustering runs, newest first, with their parameters.")
    async def cluster_runs(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> ClusterRunConnection:
        user = await info.context.user()
        if user.team_id is None:
            return ClusterRunConnection(nodes=[], page_info=PageInfo(has_next_page=False, end_cursor=None))
        async with info.context.read() as session:
            page = await cluster_runs.team_runs(session, user.team_id, first=first, after=after)
        return ClusterRunConnection(
            nodes=[ClusterRun.of(run) for run in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )

    @strawberry.field(description="A background job you started, or one working for your team.")
    async def job(self, info: Info, id: strawberry.ID) -> Job:
        user = await info.context.user()
        async with info.context.read() as session:
            return Job.of(await jobs.visible(session, str(id), user))
