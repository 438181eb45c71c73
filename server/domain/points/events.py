"""What the `pointsEvents` subscription carries: per person, the ids of new entries and of redemptions
that changed. Subscribers read the current state by id, so an event is small and never stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from server.domain.points.ledger import Entry
from server.models import Redemption

Event = dict[str, Any]
ENTRY = "ENTRY"
REDEMPTION = "REDEMPTION"


class Publisher(Protocol):
    def publish(self, topic: str, event: Event) -> None: ...


def topic(user_id: str) -> str:
    """The event topic of one person's points."""
    return f"points:{user_id}"


def publish_entries(bus: Publisher | None, entries: Iterable[Entry | None]) -> None:
    """Tell each entry's owner (call after the transaction committed)."""
    if bus is None:
        return
    for entry in entries:
        if entry is not None:
            bus.publish(topic(entry.user_id), {"kind": ENTRY, "entryId": entry.id})


def publish_redemption(bus: Publisher | None, redemption: Redemption, *entries: Entry | None) -> None:
    """Tell the requester their redemption changed, and about the entries the change wrote."""
    if bus is None:
        return
    publish_entries(bus, entries)
    bus.publish(
        topic(redemption.user_id),
        {"kind": REDEMPTION, "redemptionId": redemption.id, "status": redemption.status.name},
    )
