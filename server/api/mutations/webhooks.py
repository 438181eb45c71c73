"""Registering, changing and removing your team's webhooks, and redelivering (team admins)."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.webhooks import CreateWebhookPayload, Webhook, WebhookDelivery, WebhookEvent
from server.domain.webhooks import actions as webhooks
from server.domain.webhooks.actions import WebhookInput


@strawberry.input(description="An endpoint: http or https, reachable at a public address.")
class CreateWebhookInput:
    url: str
    events: list[WebhookEvent]
    description: str | None = None


@strawberry.input(description="What to change; a field left out stays as it is.")
class UpdateWebhookInput:
    url: str | None = None
    events: list[WebhookEvent] | None = None
    description: str | None = None


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description="Register an endpoint for your team (team admins). The answer holds its signing secret, "
        "shown this once. URLs must be http(s) at a public address (BAD_INPUT otherwise)."
    )
    async def create_webhook(self, info: Info, input: CreateWebhookInput) -> CreateWebhookPayload:
        user = await info.context.user()
        value = WebhookInput(input.url, [e.value for e in input.events], input.description)
        async with info.context.command() as session:
            hook, secret = await webhooks.create(session, user, value, info.context.settings)
        return CreateWebhookPayload(webhook=Webhook.of(hook), secret=secret)

    @strawberry.mutation(description="Change a webhook's url, events or description (its secret stays).")
    async def update_webhook(self, info: Info, id: strawberry.ID, input: UpdateWebhookInput) -> Webhook:
        user = await info.context.user()
        events = [e.value for e in input.events] if input.events is not None else None
        value = WebhookInput(input.url, events, input.description)
        async with info.context.command() as session:
            hook = await webhooks.update(session, user, str(id), value, info.context.settings)
        return Webhook.of(hook)

    @strawberry.mutation(description="Delete a webhook and its delivery log; returns its id.")
    async def delete_webhook(self, info: Info, id: strawberry.ID) -> strawberry.ID:
        user = await info.context.user()
        async with info.context.command() as session:
            return strawberry.ID(await webhooks.remove(session, user, str(id)))

    @strawberry.mutation(
        description="Send a delivery again now: the same id and body, a fresh 24-hour retry window."
    )
    async def redeliver(self, info: Info, delivery_id: strawberry.ID) -> WebhookDelivery:
        user = await info.context.user()
        async with info.context.command() as session:
            return WebhookDelivery.of(await webhooks.redeliver(session, user, str(delivery_id)))
