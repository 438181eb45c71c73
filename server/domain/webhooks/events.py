"""Writing an event's deliveries: one row per subscribed endpoint of the team, in the caller's transaction.

    await webhook_events.emit(session, team_id, webhook_events.PROPOSAL_CREATED, {"proposal": {...}})

The body is made here, once, and stored: every try sends (and signs) the same bytes. Each row gets its first
try as an outbox job, so it is sent once the change commits and never if it rolls back.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import job_names, outbox
from server.infra.ids import new_id
from server.models import DeliveryStatus, Webhook, WebhookDelivery
from server.models.base import utcnow

PROPOSAL_CREATED: Final = "PROPOSAL_CREATED"
PROPOSAL_UPDATED: Final = "PROPOSAL_UPDATED"
PAIN_POINT_ADOPTED: Final = "PAIN_POINT_ADOPTED"
EVENTS: Final = (PROPOSAL_CREATED, PROPOSAL_UPDATED, PAIN_POINT_ADOPTED)
JOB: Final = job_names.DELIVER_WEBHOOK


def body(delivery_id: str, event: str, team_id: str, webhook_id: str, data: dict[str, Any]) -> str:
    """The JSON text of one delivery: UTF-8, Chinese left as it is (sign the bytes, not a re-encoding)."""
    envelope = {
        "id": delivery_id,
        "event": event,
        "createdAt": utcnow().isoformat().replace("+00:00", "Z"),
        "teamId": team_id,
        "webhookId": webhook_id,
        "data": data,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))


async def emit(
    session: AsyncSession, team_id: str, event: str, data: dict[str, Any]
) -> list[WebhookDelivery]:
    """Queue `event` for every webhook of the team that subscribed to it; returns the deliveries."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event}")
    hooks = (
        await session.execute(select(Webhook).where(Webhook.team_id == team_id).order_by(Webhook.id))
    ).scalars()
    now = utcnow()
    deliveries = []
    for hook in hooks:
        if event not in hook.events:
            continue
        delivery_id = new_id()
        delivery = WebhookDelivery(
            id=delivery_id,
            webhook_id=hook.id,
            event=event,
            body=body(delivery_id, event, team_id, hook.id, data),
            status=DeliveryStatus.PENDING,
            attempts=0,
            log=[],
            next_attempt_at=now,
            window_started_at=now,
            created_at=now,
        )
        session.add(delivery)
        deliveries.append(delivery)
        queue_try(session, delivery_id, 1)
    return deliveries


def queue_try(
    session: AsyncSession, delivery_id: str, attempt: int, *, at: datetime | None = None, tag: str = ""
) -> None:
    """Run try number `attempt` of a delivery once the transaction commits (at `at`, if given)."""
    outbox.job(
        session,
        JOB,
        job_id=f"webhook:{delivery_id}:{attempt}{tag}",
        not_before=at,
        delivery_id=delivery_id,
        attempt=attempt,
    )
