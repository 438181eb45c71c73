"""Restoring a version: the live document becomes it again through one new, ordinary change."""

from __future__ import annotations

from dataclasses import dataclass

from server.domain import audit
from server.domain.documents.body_sync import restore_update
from server.domain.documents.live import LiveDocuments
from server.domain.snapshots import actions as snapshots
from server.domain.snapshots import events as snapshot_events
from server.infra.db import Database
from server.models import Snapshot, User


@dataclass(frozen=True)
class Restored:
    restored: Snapshot  # the version the document reads as again
    before: Snapshot  # the document as it was just before
    changed: bool  # False when the document already read as the version


async def restore(db: Database, live: LiveDocuments, user: User, snapshot_id: str) -> Restored:
    """Make the case document read as the snapshot again (owners and editors).

    A "before restore" snapshot is stored first; the restore itself is an update authored by
    `user`, applied wherever the case is open, so connected clients see it at once and every
    edit before it stays in the log: nothing is destroyed.
    """
    async with db.sessions() as session:
        target = await snapshots.require_snapshot(
            session, user, snapshot_id, *snapshots.WRITERS, with_state=True
        )
    case_id = target.case_id
    async with live.exclusive(case_id):
        await live.settle(case_id)
        async with db.transaction() as session:
            before = await snapshots.take_before_restore(session, case_id, user, target)
        current = live.live_state(case_id)
        if current is None:
            async with db.sessions() as session:
                current = (await snapshots.stored_document(session, case_id)).state
        # No await between computing the change and `apply_update` taking it: when the case is
        # open here, no other edit can slip in between.
        update = restore_update(current, target.state)
        if update is not None:
            await live.apply_update(case_id, update, user.id)
        async with db.transaction() as session:
            await audit.record(
                session,
                actor_id=user.id,
                action="snapshot.restored",
                subject=case_id,
                data={"snapshot": target.id, "before": before.id, "changed": update is not None},
            )
            snapshot_events.restored(session, target, before, user.id)
    return Restored(restored=target, before=before, changed=update is not None)
