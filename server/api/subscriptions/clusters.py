"""`clusterEvents`: your team's clusters as they change (a run finished, a cluster grew)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from server.api import live
from server.api.context import Info
from server.api.types.clusters import ClusterEvent, ClusterEventKind
from server.domain.access import effective
from server.domain.clusters import events as cluster_events
from server.domain.errors import NotFound
from server.domain.painpoints import access as painpoint_access
from server.infra.events import Event
from server.models import AccessView, User


async def _view(info: Info, user: User, event: Event) -> ClusterEvent | None:
    """The event as `user` may see it: growth only through pain points they see, else nothing."""
    kind = event.get("kind")
    ids: list[str] = [str(i) for i in event.get("painPointIds") or []]
    if kind == cluster_events.CLUSTER_GREW:
        async with info.context.read() as session:
            ids = await painpoint_access.visible_ids(session, user, ids, AccessView.CLUSTERS)
        if not ids:
            return None
    elif kind == cluster_events.CLUSTER_CORRECTED:
        async with info.context.read() as session:
            ids = await painpoint_access.visible_ids(session, user, ids, AccessView.CLUSTERS) if ids else []
    elif kind != cluster_events.RUN_FINISHED:
        return None
    cluster_id = event.get("clusterId")
    return ClusterEvent(
        kind=ClusterEventKind(kind),
        run_id=strawberry.ID(str(event["runId"])),
        cluster_id=strawberry.ID(str(cluster_id)) if cluster_id else None,
        pain_point_ids=[strawberry.ID(i) for i in ids],
        added=len(ids),
        at=datetime.fromisoformat(str(event["at"])),
    )


@strawberry.type
class ClusterSubscriptions:
    @strawberry.subscription(
        description="Your team's clusters as they change: RUN_FINISHED when a re-clustering is stored, "
        "CLUSTER_GREW when pain points (that you may see) join a cluster. Over graphql-transport-ws; sign in "
        "with connection_init {token}."
    )
    async def cluster_events(self, info: Info) -> AsyncGenerator[ClusterEvent, None]:
        user = await info.context.user()
        if user.team_id is None:
            raise NotFound("You belong to no team, so there are no clusters to follow.")
        # Growth is filtered per subscriber at delivery; the subscription itself ends (NOT_FOUND) once a
        # policy that gave the CLUSTERS view when it began stops applying (checked every 30 s by default).
        async with info.context.read() as session:
            opened = effective.opened_by(await effective.access_of(session, user), AccessView.CLUSTERS)

        async def still(session: AsyncSession, subscriber: User) -> object:
            await effective.require_still(session, subscriber, AccessView.CLUSTERS, opened)
            return None

        stream = await live.events(info, cluster_events.topic(user.team_id), still if opened else None)
        return live.mapped(stream, lambda event: _view(info, user, event))
