"""Registering, changing and removing a team's webhooks, reading their delivery log, redelivering.

Team admins only: a webhook sends the team's pain points and proposals out of the building, so creating
one is as much a data decision as a permission change (each is audited). Another team's webhook or
delivery answers NOT_FOUND, like a missing one; anyone but an admin is FORBIDDEN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.domain.pagination import Page, paginate
from server.domain.webhooks import events, secrets
from server.domain.webhooks.config import WebhookConfig
from server.infra import outbound
from server.infra.config import Settings
from server.infra.ids import is_id, new_id
from server.models import DeliveryStatus, User, UserRole, Webhook, WebhookDelivery
from server.models.base import utcnow

MAX_DESCRIPTION = 500
MAX_WEBHOOKS = 20


@dataclass(frozen=True)
class WebhookInput:
    """What an admin sets; None leaves a field as it is (on update)."""

    url: str | None = None
    events: Sequence[str] | None = None
    description: str | None = None


def require_admin(user: User) -> str:
    """The admin's team id; FORBIDDEN for anyone else."""
    if user.role is not UserRole.ADMIN or user.team_id is None:
        raise Forbidden(f"Only a team admin can manage webhooks; you are {user.role.value}.")
    return user.team_id


async def webhook(session: AsyncSession, user: User, webhook_id: str) -> Webhook:
    """One of the admin's team's webhooks; NOT_FOUND otherwise."""
    team_id = require_admin(user)
    hook = await session.get(Webhook, webhook_id) if is_id(webhook_id) else None
    if hook is None or hook.team_id != team_id:
        raise NotFound(f"No webhook with id {webhook_id} is visible to you.")
    return hook


async def team_webhooks(session: AsyncSession, user: User) -> list[Webhook]:
    """The admin's team's webhooks, oldest first."""
    team_id = require_admin(user)
    rows = await session.execute(select(Webhook).where(Webhook.team_id == team_id).order_by(Webhook.id))
    return list(rows.scalars())


async def create(
    session: AsyncSession, user: User, value: WebhookInput, settings: Settings
) -> tuple[Webhook, str]:
    """Register an endpoint; returns it and its secret (shown this once, never again)."""
    team_id = require_admin(user)
    if value.url is None or value.events is None:
        raise BadInput("Give the webhook a url and at least one event.")
    url = await _checked_url(value.url, settings)
    chosen = _events(value.events)
    count = len((await session.execute(select(Webhook.id).where(Webhook.team_id == team_id))).all())
    if count >= MAX_WEBHOOKS:
        raise Conflict(f"A team has at most {MAX_WEBHOOKS} webhooks; delete one first.")
    secret = secrets.generate()
    hook_id = new_id()
    sealed, kek_id = secrets.seal(settings, hook_id, secret)
    now = utcnow()
    hook = Webhook(
        id=hook_id,
        team_id=team_id,
        url=url,
        events=chosen,
        description=_description(value.description),
        secret_sealed=sealed,
        kek_id=kek_id,
        created_by=user.id,
        created_at=now,
        updated_at=now,
    )
    session.add(hook)
    await session.flush()
    await audit.record(
        session,
        actor_id=user.id,
        action="webhook.created",
        subject=hook.id,
        data={"team_id": team_id, "url": url, "events": chosen},
    )
    return hook, secret


async def update(
    session: AsyncSession, user: User, webhook_id: str, value: WebhookInput, settings: Settings
) -> Webhook:
    """Change an endpoint's url, events or description (its secret stays)."""
    hook = await webhook(session, user, webhook_id)
    changes: dict[str, object] = {}
    if value.url is not None and value.url.strip() != hook.url:
        hook.url = changes["url"] = await _checked_url(value.url, settings)
    if value.events is not None and _events(value.events) != hook.events:
        hook.events = _events(value.events)
        changes["events"] = hook.events
    if value.description is not None and _description(value.description) != hook.description:
        hook.description = _description(value.description)
        changes["description"] = hook.description
    if not changes:
        return hook
    hook.updated_at = utcnow()
    await session.flush()
    await audit.record(session, actor_id=user.id, action="webhook.updated", subject=hook.id, data=changes)
    return hook


async def remove(session: AsyncSession, user: User, webhook_id: str) -> str:
    """Delete an endpoint and its delivery log; pending tries find nothing to send."""
    hook = await webhook(session, user, webhook_id)
    await session.execute(delete(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id))
    await session.delete(hook)
    await session.flush()
    await audit.record(
        session, actor_id=user.id, action="webhook.deleted", subject=webhook_id, data={"url": hook.url}
    )
    return webhook_id


async def deliveries(
    session: AsyncSession, user: User, webhook_id: str, *, first: int, after: str | None
) -> Page[WebhookDelivery]:
    """A webhook's deliveries, newest first."""
    hook = await webhook(session, user, webhook_id)
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
    return await paginate(session, query, WebhookDelivery.id, first=first, after=after)


async def redeliver(session: AsyncSession, user: User, delivery_id: str) -> WebhookDelivery:
    """Send a delivery again now, same id and body, with a fresh retry window."""
    team_id = require_admin(user)
    found = (
        (
            await session.execute(
                select(WebhookDelivery, Webhook.team_id)
                .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
                .where(WebhookDelivery.id == delivery_id)
                .with_for_update(of=WebhookDelivery)
            )
        ).one_or_none()
        if is_id(delivery_id)
        else None
    )
    if found is None or found[1] != team_id:
        raise NotFound(f"No webhook delivery with id {delivery_id} is visible to you.")
    delivery: WebhookDelivery = found[0]
    now = utcnow()
    delivery.status = DeliveryStatus.PENDING
    delivery.window_started_at = now
    delivery.next_attempt_at = now
    delivery.delivered_at = None
    # A tag of its own: a try of the same number may be waiting already, and job ids must not collide.
    events.queue_try(session, delivery.id, delivery.attempts + 1, tag=f":again:{new_id()}")
    await session.flush()
    await audit.record(
        session,
        actor_id=user.id,
        action="webhook.redelivered",
        subject=delivery.id,
        data={"webhook_id": delivery.webhook_id},
    )
    return delivery


async def _checked_url(url: str, settings: Settings) -> str:
    cleaned = url.strip()
    try:
        await outbound.check(cleaned, allow_private=WebhookConfig.from_settings(settings).allow_private)
    except outbound.OutboundError as error:
        raise BadInput(str(error)) from None
    return cleaned


def _events(chosen: Sequence[str]) -> list[str]:
    unique: list[str] = [event for event in events.EVENTS if event in set(chosen)]
    unknown = sorted(set(chosen) - set(events.EVENTS))
    if unknown:
        raise BadInput(f"Unknown events {', '.join(unknown)}; choose from {', '.join(events.EVENTS)}.")
    if not unique:
        raise BadInput("Choose at least one event.")
    return unique


def _description(value: str | None) -> str | None:
    cleaned = " ".join((value or "").split()) or None
    if cleaned is not None and len(cleaned) > MAX_DESCRIPTION:
        raise BadInput(f"The description is longer than {MAX_DESCRIPTION} characters.")
    return cleaned
