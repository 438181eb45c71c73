"""Reading the points rules and the contribution ranking."""

from __future__ import annotations

from datetime import datetime

import strawberry

from server.api.context import Info
from server.api.types.points import ContributionRanking, PointAnomalyReport, PointRule
from server.domain.points import anomalies, ranking, rules


@strawberry.type
class PointsQueries:
    @strawberry.field(description="What each earning action is worth in your team, and its caps per person.")
    async def point_rules(self, info: Info) -> list[PointRule]:
        viewer = await info.context.user()
        async with info.context.read() as session:
            return [PointRule.of(rule) for rule in await rules.rules_of(session, viewer)]

    @strawberry.field(
        description="Pairs of your team who award each other far above the team's median pair (HR, admin). "
        "since defaults to 30 days ago."
    )
    async def point_anomalies(
        self, info: Info, since: datetime | None = None, first: int = 20
    ) -> PointAnomalyReport:
        viewer = await info.context.user()
        async with info.context.read() as session:
            report = await anomalies.point_anomalies(session, viewer, since=since, first=first)
        return PointAnomalyReport.of(report)

    @strawberry.field(
        description="Points earned per person in a period (2026, 2026-H1, 2026-Q3, 2026-05; UTC). "
        "HR or admin, or through a visibility policy's RANKING view (over its cases and maxAgeDays); "
        "teamId defaults to yours (admins may read any team)."
    )
    async def contribution_ranking(
        self, info: Info, period: str, team_id: strawberry.ID | None = None, first: int = 100
    ) -> ContributionRanking:
        viewer = await info.context.user()
        async with info.context.read() as session:
            report = await ranking.contribution_ranking(
                session, viewer, period=period, team_id=str(team_id) if team_id else None, first=first
            )
        return ContributionRanking.of(report)
