"""What the points subscriptions carry: per person (`pointsEvents`), the ids of new entries and of
redemptions that changed; per team (`rewardEvents`), the ids of rewards that changed (added, edited,
withdrawn, their stock moved). Subscribers read the current state by id, so an event is small and never
stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import outbox
from server.domain.points.ledger import Entry
from server.models import Redemption, Reward

Event = dict[str, Any]
ENTRY = "ENTRY"
REDEMPTION = "REDEMPTION"
REWARD = "REWARD"


def topic(user_id: str) -> str:
    """The event topic of one person's points."""
    return f"points:{user_id}"


def rewards_topic(team_id: str) -> str:
    """The event topic of one team's reward catalogue."""
    return f"rewards:{team_id}"


def reward_changed(session: AsyncSession, reward: Reward) -> None:
    """Tell the reward's team its catalogue changed (on commit)."""
    outbox.event(session, rewards_topic(reward.team_id), {"kind": REWARD, "rewardId": reward.id})


def entries_written(session: AsyncSession, entries: Iterable[Entry | None]) -> None:
    """Tell each entry's owner, once the transaction that writes the entries commits."""
    for entry in entries:
        if entry is not None:
            outbox.event(session, topic(entry.user_id), {"kind": ENTRY, "entryId": entry.id})


def redemption_changed(session: AsyncSession, redemption: Redemption, *entries: Entry | None) -> None:
    """Tell the requester their redemption changed, and about the entries the change wrote (on commit)."""
    entries_written(session, entries)
    outbox.event(
        session,
        topic(redemption.user_id),
        {"kind": REDEMPTION, "redemptionId": redemption.id, "status": redemption.status.name},
    )
