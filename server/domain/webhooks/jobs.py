"""One try of one delivery: sign, POST, record what happened, and schedule the next try if there is one.

The POST runs outside any transaction. Its outcome and the next try's job are written together, so a
process that dies in between tries again (the outbox keeps the job): a receiver may get a try twice, with
the same `X-Warroom-Delivery`, and drops the repeat. `attempt` makes the job idempotent: a try already
recorded (a repeat of the job, or one overtaken by a redelivery) sends nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select

from server.domain.webhooks import events, secrets
from server.domain.webhooks.config import WebhookConfig
from server.infra import outbound
from server.infra.job_context import JobContext
from server.models import DeliveryStatus, Webhook, WebhookDelivery
from server.models.base import utcnow

log = logging.getLogger("warroom.webhooks")

# Tries kept in a delivery's log (a 24-hour window holds 19 at the default schedule).
MAX_LOG: Final = 50
MAX_ERROR: Final = 500
RESPONSE_PREFIX: Final = 300


@dataclass(frozen=True)
class Outcome:
    """What one try met: an HTTP status (with the start of the answer), or why there was none."""

    status: int | None = None
    response: str | None = None
    error: str | None = None
    ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


async def deliver_webhook(ctx: JobContext, *, delivery_id: str, attempt: int) -> str:
    """Try delivery `delivery_id` for the `attempt`-th time; returns what happened."""
    db, settings = ctx["db"], ctx["settings"]
    config = WebhookConfig.from_settings(settings)
    async with db.reads() as session:
        found = (
            await session.execute(
                select(WebhookDelivery, Webhook)
                .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
                .where(WebhookDelivery.id == delivery_id)
            )
        ).one_or_none()
    if found is None:
        return "gone"  # its webhook was deleted
    delivery, hook = found[0], found[1]
    if delivery.status is not DeliveryStatus.PENDING or delivery.attempts >= attempt:
        return "done already"
    try:
        secret = secrets.open_sealed(settings, hook.id, hook.secret_sealed, hook.kek_id)
    except secrets.SecretUnavailable as error:
        outcome = Outcome(error=str(error)[:MAX_ERROR])
    else:
        outcome = await send(hook.url, delivery, secret, config)
    async with db.transaction() as session:
        row = await session.get(WebhookDelivery, delivery_id, with_for_update=True, populate_existing=True)
        if row is None or row.status is not DeliveryStatus.PENDING or row.attempts >= attempt:
            return "recorded by another try"
        result = record(row, attempt, outcome, config, utcnow())
        if row.status is DeliveryStatus.PENDING:
            events.queue_try(session, row.id, attempt + 1, at=row.next_attempt_at)
    log.log(
        logging.INFO if outcome.ok else logging.WARNING,
        "webhook delivery %s",
        result,
        extra={"delivery_id": delivery_id, "attempt": attempt, "status_code": outcome.status},
    )
    return result


async def send(url: str, delivery: WebhookDelivery, secret: str, config: WebhookConfig) -> Outcome:
    """POST the delivery's body, signed; what came back (never raises for the endpoint's failures)."""
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Warroom-Event": delivery.event,
        "X-Warroom-Delivery": delivery.id,
        "X-Warroom-Signature": secrets.signature(secret, body),
    }
    started = time.monotonic()
    try:
        answer = await outbound.post(
            url,
            body,
            headers,
            within=config.timeout_seconds,
            allow_private=config.allow_private,
            prefix_chars=RESPONSE_PREFIX,
        )
    except TimeoutError:
        error = f"no answer within {config.timeout_seconds:g} s"
        return Outcome(error=error, ms=_ms(started))
    except outbound.OutboundError as failure:
        return Outcome(error=str(failure)[:MAX_ERROR], ms=_ms(started))
    except (OSError, ValueError) as failure:  # a reset connection, a bad TLS handshake, a garbled answer
        return Outcome(error=f"{type(failure).__name__}: {failure}"[:MAX_ERROR], ms=_ms(started))
    return Outcome(status=answer.status, response=answer.body_prefix, ms=_ms(started))


def record(row: WebhookDelivery, attempt: int, outcome: Outcome, config: WebhookConfig, now: datetime) -> str:
    """Write the try into the row: DELIVERED, FAILED (window over) or PENDING with its next try."""
    row.attempts = attempt
    row.last_attempt_at = now
    row.last_status_code = outcome.status
    row.last_response = outcome.response
    row.last_error = outcome.error if not outcome.ok else None
    entry: dict[str, Any] = {
        "at": now.isoformat(),
        "attempt": attempt,
        "statusCode": outcome.status,
        "error": outcome.error,
        "ms": outcome.ms,
    }
    row.log = [*row.log, entry][-MAX_LOG:]
    if outcome.ok:
        row.status = DeliveryStatus.DELIVERED
        row.delivered_at = now
        row.next_attempt_at = None
        return "delivered"
    window_start = row.window_started_at
    failed_in_window = sum(1 for item in row.log if datetime.fromisoformat(item["at"]) >= window_start)
    next_at = now + timedelta(seconds=config.delay(failed_in_window))
    if next_at > window_start + timedelta(seconds=config.retry_seconds):
        row.status = DeliveryStatus.FAILED
        row.next_attempt_at = None
        return "failed for good"
    row.next_attempt_at = next_at
    return "failed, tried again later"


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
