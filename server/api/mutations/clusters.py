"""Asking for a re-clustering of your team's pain points now (it also runs nightly)."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.jobs import Job
from server.domain.clusters import runs as cluster_runs


@strawberry.input(description="What to re-cluster: a team (default and only choice: yours).")
class ClusterScopeInput:
    team_id: strawberry.ID | None = None


@strawberry.type
class ReclusterPayload:
    job_id: strawberry.ID
    job: Job


@strawberry.type
class ClusterMutations:
    @strawberry.mutation(
        description="Re-cluster your team's pain points in the background; follow it with job(id). While one "
        "is queued or running, you get that one; RATE_LIMITED (with retryAfter) when your team asked less "
        "than WARROOM_RECLUSTER_MIN_INTERVAL_SECONDS (default 10 minutes) ago."
    )
    async def recluster_pain_points(
        self, info: Info, scope: ClusterScopeInput | None = None
    ) -> ReclusterPayload:
        user = await info.context.user()
        team_id = str(scope.team_id) if scope is not None and scope.team_id is not None else None
        async with info.context.command() as session:
            interval = cluster_runs.min_interval(info.context.settings)
            job, _ = await cluster_runs.request(session, user, team_id, interval=interval)
        return ReclusterPayload(job_id=strawberry.ID(job.id), job=Job.of(job))
