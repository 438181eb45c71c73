"""Your notifications."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.notifications import NotificationConnection, notification_views
from server.domain import notifications


@strawberry.type
class NotificationQueries:
    @strawberry.field(description="Your notifications, newest first.")
    async def notifications(
        self, info: Info, first: int = 20, after: str | None = None, unread_only: bool = False
    ) -> NotificationConnection:
        user = await info.context.user()
        async with info.context.read() as session:
            page = await notifications.page(session, user, first=first, after=after, unread_only=unread_only)
            unread = await notifications.unread_count(session, user)
        return NotificationConnection(
            nodes=await notification_views(info, page.items),
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
            unread_count=unread,
        )
