"""Reading contribution and section heatmaps."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from server.api.context import Info
from server.api.types.heatmaps import ContributionHeatmap, HeatmapBucket, SectionHeatmap
from server.domain.errors import BadInput
from server.domain.heatmaps import reads as heatmaps
from server.domain.heatmaps.refresh import refresh_requester
from server.heatmaps import BucketSize
from server.models.base import utcnow


@strawberry.type
class HeatmapQueries:
    @strawberry.field(
        description="Who contributed when, in one case (`caseId`) or in your team (`teamId`): people x "
        "UTC days or ISO weeks, counts per kind and a weighted score. The period is widened to whole "
        "columns; by default it ends now and covers 28 days (DAY) or 12 weeks (WEEK). Members of a case "
        "see its heatmap; in a team, hr and admin see every case, others the cases they belong to."
    )
    async def contribution_heatmap(
        self,
        info: Info,
        case_id: strawberry.ID | None = None,
        team_id: strawberry.ID | None = None,
        start: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        bucket: HeatmapBucket = BucketSize.DAY,  # type: ignore[valid-type]
    ) -> ContributionHeatmap:
        user = await info.context.user()
        if (case_id is None) == (team_id is None):
            raise BadInput("Give either caseId or teamId.")
        size = BucketSize(bucket)
        first, end = heatmaps.period(start, to, size, now=utcnow())
        async with info.context.read() as session:
            if case_id is not None:
                subject = await heatmaps.case_subject(session, str(case_id), user)
            else:
                subject = await heatmaps.team_subject(session, str(team_id), user)
        services = info.context.services
        view = await heatmaps.contribution(
            services.db,
            subject,
            first,
            end,
            size,
            request_refresh=refresh_requester(services.jobs, services.settings),
        )
        return ContributionHeatmap.of(view)

    @strawberry.field(
        description="Whose text the case document is made of: people x sections (the headings of the "
        "document), counting each author's characters that are still there. NOT_FOUND unless you are a "
        "member of the case."
    )
    async def section_heatmap(self, info: Info, case_id: strawberry.ID) -> SectionHeatmap:
        user = await info.context.user()
        async with info.context.read() as session:
            subject = await heatmaps.case_subject(session, str(case_id), user)
        services = info.context.services
        view = await heatmaps.sections(
            services.db, subject, request_refresh=refresh_requester(services.jobs, services.settings)
        )
        return SectionHeatmap.of(view)
