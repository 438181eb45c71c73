"""Reading versions and comparing them."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.selection import selects
from server.api.types.snapshots import Snapshot, SnapshotConnection, SnapshotDiff, snapshot_types
from server.domain.access import cases as access_cases
from server.domain.snapshots import actions as snapshots
from server.domain.snapshots import diff as snapshot_diff


@strawberry.type
class SnapshotQueries:
    @strawberry.field(description="The versions of a case you belong to, newest first.")
    async def snapshots(
        self, info: Info, case_id: strawberry.ID, first: int = 20, after: str | None = None
    ) -> SnapshotConnection:
        user = await info.context.user()
        with_text = selects(info, "nodes", "text")
        async with info.context.read() as session:
            page = await snapshots.list_snapshots(
                session, user, str(case_id), first=first, after=after, with_text=with_text
            )
            case = await session.get_one(models.Case, str(case_id))
            masked = bool(await access_cases.masked_by(session, case, user))
        return SnapshotConnection.of(page, masked_for=case.customer if masked else None)

    @strawberry.field(description="One version of a case you belong to; NOT_FOUND otherwise.")
    async def snapshot(self, info: Info, id: strawberry.ID) -> Snapshot:
        user = await info.context.user()
        async with info.context.read() as session:
            row = await snapshots.require_snapshot(session, user, str(id))
            return (await snapshot_types(session, [row]))[0]

    @strawberry.field(
        description="Paragraph and word differences from one version to another, or to the live "
        "document when `toId` is omitted, with who made them."
    )
    async def snapshot_diff(
        self, info: Info, from_id: strawberry.ID, to_id: strawberry.ID | None = None
    ) -> SnapshotDiff:
        user = await info.context.user()
        async with info.context.read() as session:
            result = await snapshot_diff.diff(
                session,
                info.context.services.rooms,
                user,
                str(from_id),
                str(to_id) if to_id is not None else None,
            )
            return await SnapshotDiff.of(session, result)
