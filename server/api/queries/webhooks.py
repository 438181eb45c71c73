"""Reading your team's webhooks and their delivery log (team admins)."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.webhooks import Webhook, WebhookDelivery, WebhookDeliveryConnection
from server.domain.webhooks import actions as webhooks


@strawberry.type
class WebhookQueries:
    @strawberry.field(description="Your team's webhooks, oldest first (team admins).")
    async def webhooks(self, info: Info) -> list[Webhook]:
        user = await info.context.user()
        async with info.context.read() as session:
            return [Webhook.of(row) for row in await webhooks.team_webhooks(session, user)]

    @strawberry.field(
        description="A webhook's deliveries, newest first: status, tries, last answer, next try."
    )
    async def webhook_deliveries(
        self, info: Info, webhook_id: strawberry.ID, first: int = 20, after: str | None = None
    ) -> WebhookDeliveryConnection:
        user = await info.context.user()
        async with info.context.read() as session:
            page = await webhooks.deliveries(session, user, str(webhook_id), first=first, after=after)
        return WebhookDeliveryConnection(
            nodes=[WebhookDelivery.of(row) for row in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )
