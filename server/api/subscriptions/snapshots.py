"""Live events of a case's versions."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from server.api import live
from server.api.context import Info
from server.api.types.snapshots import SnapshotEvent, SnapshotEventKind, snapshot_types
from server.domain.errors import NotFound
from server.domain.snapshots import actions as snapshots
from server.domain.snapshots import events as snapshot_events
from server.infra import topics
from server.infra.events import Event


async def snapshot_event(info: Info, event: Event) -> SnapshotEvent | None:
    """An event as the subscriber sees it, or nothing when its versions are no longer theirs to see."""
    user = await info.context.user()
    async with info.context.read() as session:
        try:
            row = await snapshots.require_snapshot(session, user, str(event["snapshotId"]))
            before_id = event.get("beforeId")
            before = await snapshots.require_snapshot(session, user, str(before_id)) if before_id else None
        except NotFound:
            return None
        found = await snapshot_types(session, [row] if before is None else [row, before])
    # A new version's actor is its author; a restore's is whoever restored (the author of `before`).
    actor = found[0].author if event["kind"] == snapshot_events.CREATED else found[-1].author
    return SnapshotEvent(
        kind=SnapshotEventKind(event["kind"]),
        snapshot=found[0],
        before=found[1] if before is not None else None,
        actor=actor,
    )


@strawberry.type
class SnapshotSubscriptions:
    @strawberry.subscription(
        description="Versions taken or restored in a case, from now on, on any server (members only: "
        "anyone else is refused with NOT_FOUND)."
    )
    async def snapshot_events(
        self, info: Info, case_id: strawberry.ID
    ) -> AsyncGenerator[SnapshotEvent, None]:
        events = await live.case_events(info, str(case_id), topics.case_snapshots(str(case_id)))
        return live.mapped(events, lambda event: snapshot_event(info, event))
