"""The events `snapshotEvents(caseId)` subscribers receive; they go out through the outbox, on commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import outbox
from server.infra import topics
from server.models import Snapshot

CREATED = "CREATED"
RESTORED = "RESTORED"


def topic(case_id: str) -> str:
    """The event-bus topic of one case's snapshot events."""
    return topics.case_snapshots(case_id)


def snapshot_created(snapshot: Snapshot) -> tuple[str, dict[str, Any]]:
    """(topic, event) for a new snapshot of any kind."""
    return topic(snapshot.case_id), {"kind": CREATED, "snapshotId": snapshot.id}


def snapshot_restored(restored: Snapshot, before: Snapshot, actor_id: str) -> tuple[str, dict[str, Any]]:
    """(topic, event) for a version restored over the live document."""
    event = {"kind": RESTORED, "snapshotId": restored.id, "beforeId": before.id, "actorId": actor_id}
    return topic(restored.case_id), event


def created(session: AsyncSession, snapshot: Snapshot) -> None:
    """Announce a new snapshot once the transaction that stores it commits."""
    outbox.event(session, *snapshot_created(snapshot))


def restored(session: AsyncSession, restored: Snapshot, before: Snapshot, actor_id: str) -> None:
    """Announce a restore once the transaction that records it commits."""
    outbox.event(session, *snapshot_restored(restored, before, actor_id))
