"""Live events of a case's versions."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from server.api.context import Info
from server.api.types.snapshots import SnapshotEvent, SnapshotEventKind, snapshot_types
from server.domain import cases, snapshot_events, snapshots
from server.domain.errors import NotFound


@strawberry.type
class SnapshotSubscriptions:
    @strawberry.subscription(
        description="Versions taken or restored in a case you belong to, from now on, on any server."
    )
    async def snapshot_events(
        self, info: Info, case_id: strawberry.ID
    ) -> AsyncGenerator[SnapshotEvent, None]:
        user = await info.context.user()
        case_id = strawberry.ID(str(case_id))
        async with info.context.read() as session:
            await cases.require_member(session, case_id, user)
        async with info.context.services.events.subscribe(snapshot_events.topic(case_id)) as stream:
            async for event in stream:
                async with info.context.read() as session:
                    # Membership can end while subscribed: stop at the first event after it does.
                    if await cases.membership(session, case_id, user.id) is None:
                        raise NotFound(f"No case with id {case_id} is visible to you.")
                    try:
                        row = await snapshots.require_snapshot(session, user, event["snapshotId"])
                        before_id = event.get("beforeId")
                        before = (
                            await snapshots.require_snapshot(session, user, before_id) if before_id else None
                        )
                    except NotFound:
                        continue  # an event about a version this caller cannot see: skip it
                    rows = [row] if before is None else [row, before]
                    found = await snapshot_types(session, rows)
                    actor = found[0].author if event["kind"] == snapshot_events.CREATED else found[-1].author
                yield SnapshotEvent(
                    kind=SnapshotEventKind(event["kind"]),
                    snapshot=found[0],
                    before=found[1] if before is not None else None,
                    actor=actor,
                )
