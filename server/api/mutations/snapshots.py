"""Naming and restoring versions."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.snapshots import Snapshot, snapshot_types
from server.domain.snapshots import actions as snapshots
from server.domain.snapshots import restore as snapshot_restore


@strawberry.type(description="The outcome of a restore.")
class RestoreSnapshotPayload:
    restored: Snapshot = strawberry.field(description="The version the document reads as again.")
    before: Snapshot = strawberry.field(description="The document as it was just before (kept).")
    changed: bool = strawberry.field(description="False when the document already read as the version.")


@strawberry.type
class SnapshotMutations:
    @strawberry.mutation(description="Name the case document as it is now (owners and editors).")
    async def create_snapshot(self, info: Info, case_id: strawberry.ID, label: str) -> Snapshot:
        user = await info.context.user()
        services = info.context.services
        async with info.context.command() as session:
            row = await snapshots.create_named(session, services.rooms, user, str(case_id), label)
            result = (await snapshot_types(session, [row]))[0]
        return result

    @strawberry.mutation(
        description="Make the live document read as this version again, as a new change every "
        "connected client receives; the current document is kept as a BEFORE_RESTORE version first "
        "(owners and editors)."
    )
    async def restore_snapshot(self, info: Info, snapshot_id: strawberry.ID) -> RestoreSnapshotPayload:
        user = await info.context.user()
        services = info.context.services
        done = await snapshot_restore.restore(services.db, services.rooms, user, str(snapshot_id))
        async with info.context.read() as session:
            restored, before = await snapshot_types(session, [done.restored, done.before])
        return RestoreSnapshotPayload(restored=restored, before=before, changed=done.changed)
