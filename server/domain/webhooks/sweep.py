"""The sweep: pending deliveries whose next try is long overdue get that try queued again.

A try's job is written with the row (the outbox), so a restart cannot lose it; but once a job is on Redis it
is arq's, and a worker that dies between taking it and recording its outcome can leave a delivery PENDING
with nothing queued to try it. Every server looks now and then (WARROOM_WEBHOOK_SWEEP_SECONDS) for tries
more than WARROOM_WEBHOOK_OVERDUE_SECONDS late (never less than a try's timeout: a try in flight is not
lost) and queues each again, through the outbox. The job records a try once (`attempt`), and servers
sweeping in the same round name the same job, so a sweep that finds a try merely late sends nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Select, select

from server.domain.webhooks import events
from server.domain.webhooks.config import WebhookConfig
from server.infra.db import Database
from server.models import DeliveryStatus, WebhookDelivery
from server.models.base import utcnow

log = logging.getLogger("warroom.webhooks")

BATCH: Final = 500


async def requeue_overdue(db: Database, config: WebhookConfig, now: datetime | None = None) -> list[str]:
    """Queue the next try of every pending delivery overdue by more than the grace; returns their ids."""
    now = now or utcnow()
    grace = max(config.overdue_seconds, config.timeout_seconds)
    # One job id per delivery, try and sweep round: a sweep in a later round is not refused as a repeat.
    round_ = int(now.timestamp() // max(config.sweep_seconds, 1.0))
    async with db.transaction() as session:
        rows = (await session.execute(overdue(now - timedelta(seconds=grace)))).all()
        for delivery_id, attempts in rows:
            events.queue_try(session, delivery_id, attempts + 1, tag=f":sweep{round_}")
    if rows:
        log.warning("queued overdue webhook tries again", extra={"deliveries": len(rows)})
    return [delivery_id for delivery_id, _ in rows]


def overdue(before: datetime) -> Select[str, int]:
    """Pending deliveries whose next try was due before `before`, the most overdue first (one batch).

    It is a range over the index on (status, next_attempt_at), which also gives the order.
    """
    return (
        select(WebhookDelivery.id, WebhookDelivery.attempts)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at < before)
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(BATCH)
    )


class DeliverySweeper:
    """Runs `requeue_overdue` every `config.sweep_seconds` (0: never) while started."""

    def __init__(self, db: Database, config: WebhookConfig) -> None:
        self.db = db
        self.config = config
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.config.sweep_seconds > 0:
            self._task = asyncio.create_task(self._loop(), name="webhook-sweep")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            # Spread across servers, so they do not all look at once.
            await asyncio.sleep(self.config.sweep_seconds * random.uniform(0.9, 1.1))
            try:
                await requeue_overdue(self.db, self.config)
            except Exception:  # tried again next round; the database may be briefly away
                log.exception("webhook sweep failed")
