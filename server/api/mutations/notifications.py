"""Marking notifications read."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.domain import notifications


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(
        description="Mark some of your notifications read (at most 100); returns how many were unread. "
        "NOT_FOUND if any id is not one of yours."
    )
    async def mark_notifications_read(self, info: Info, ids: list[strawberry.ID]) -> int:
        user = await info.context.user()
        async with info.context.command() as session:
            marked = await notifications.mark_read(session, user, [str(i) for i in ids])
        return marked

    @strawberry.mutation(description="Mark all your notifications read; returns how many were unread.")
    async def mark_all_notifications_read(self, info: Info) -> int:
        user = await info.context.user()
        async with info.context.command() as session:
            marked = await notifications.mark_all_read(session, user)
        return marked
