"""Live notifications of the signed-in person."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from server.api import live
from server.api.context import Info
from server.api.types.notifications import NotificationEvent, NotificationEventKind, notification_views
from server.domain import notifications
from server.infra import topics
from server.infra.events import Event
from server.models import Notification


async def notification_event(info: Info, event: Event) -> NotificationEvent | None:
    user = await info.context.user()
    async with info.context.read() as session:
        row = None
        if event.get("notificationId"):
            row = await session.get(Notification, str(event["notificationId"]))
            if row is None or row.user_id != user.id:
                return None
        unread = await notifications.unread_count(session, user)
    views = await notification_views(info, [row]) if row is not None else [None]
    return NotificationEvent(
        kind=NotificationEventKind(event["kind"]), notification=views[0], unread_count=unread
    )


@strawberry.type
class NotificationSubscriptions:
    @strawberry.subscription(
        description="Your unread count first (COUNT, once listening: nothing after it is missed), then your "
        "notifications as they arrive, and when some are marked read."
    )
    async def notification_events(self, info: Info) -> AsyncGenerator[NotificationEvent, None]:
        user = await info.context.user()
        events = await live.events(info, topics.user_notifications(user.id), first={"kind": "COUNT"})
        return live.mapped(events, lambda event: notification_event(info, event))
