"""Outgoing webhooks of a team and their delivery log."""

from __future__ import annotations

import enum
from datetime import datetime

import strawberry

from server import models
from server.api.types.common import PageInfo

DeliveryStatus = strawberry.enum(
    models.DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="PENDING (being tried, see nextAttemptAt), DELIVERED (a 2xx answer), FAILED (every try of "
    "its 24-hour window failed; redeliver starts it again).",
)


@strawberry.enum(description="What a webhook may be sent.")
class WebhookEvent(enum.Enum):
    PROPOSAL_CREATED = "PROPOSAL_CREATED"
    PROPOSAL_UPDATED = "PROPOSAL_UPDATED"
    PAIN_POINT_ADOPTED = "PAIN_POINT_ADOPTED"


@strawberry.type(description="An endpoint of your team's that receives events as signed JSON POSTs.")
class Webhook:
    id: strawberry.ID
    url: str
    events: list[WebhookEvent]
    description: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: models.Webhook) -> Webhook:
        return cls(
            id=strawberry.ID(row.id),
            url=row.url,
            events=[WebhookEvent(event) for event in row.events],
            description=row.description,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@strawberry.type
class CreateWebhookPayload:
    webhook: Webhook
    secret: str = strawberry.field(
        description="Signs every delivery (X-Warroom-Signature). Shown this once: store it now."
    )


@strawberry.type(description="One try of a delivery.")
class WebhookAttempt:
    at: datetime
    attempt: int
    status_code: int | None = strawberry.field(description="The HTTP status; null when none came.")
    error: str | None = strawberry.field(
        description="Why there was no answer (timeout, refused address, ...)."
    )
    duration_ms: int


@strawberry.type(description="One event sent to one webhook, with its tries.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="Sent as X-Warroom-Delivery, the same on every try.")
    webhook_id: strawberry.ID
    event: WebhookEvent
    status: DeliveryStatus  # type: ignore[valid-type]
    attempts: int
    last_status_code: int | None
    last_error: str | None
    last_response: str | None = strawberry.field(description="The start of the last answer (300 characters).")
    next_attempt_at: datetime | None
    created_at: datetime
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    body: str = strawberry.field(description="The JSON sent, byte for byte what the signature covers.")
    log: list[WebhookAttempt] = strawberry.field(description="Its tries, oldest first (the last 50).")

    @classmethod
    def of(cls, row: models.WebhookDelivery) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(row.id),
            webhook_id=strawberry.ID(row.webhook_id),
            event=WebhookEvent(row.event),
            status=row.status,
            attempts=row.attempts,
            last_status_code=row.last_status_code,
            last_error=row.last_error,
            last_response=row.last_response,
            next_attempt_at=row.next_attempt_at,
            created_at=row.created_at,
            last_attempt_at=row.last_attempt_at,
            delivered_at=row.delivered_at,
            body=row.body,
            log=[
                WebhookAttempt(
                    at=datetime.fromisoformat(item["at"]),
                    attempt=item["attempt"],
                    status_code=item.get("statusCode"),
                    error=item.get("error"),
                    duration_ms=item.get("ms", 0),
                )
                for item in row.log
            ],
        )


@strawberry.type
class WebhookDeliveryConnection:
    nodes: list[WebhookDelivery]
    page_info: PageInfo
