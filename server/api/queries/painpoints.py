"""Reading pain points and your rectification tickets."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.painpoints import (
    PainPoint,
    PainPointConnection,
    RectificationTicket,
    RectificationTicketConnection,
    TicketStatus,
    shown,
)
from server.domain.painpoints import access as painpoint_access
from server.domain.painpoints import actions as painpoints


@strawberry.type
class PainPointQueries:
    @strawberry.field(
        description="One pain point: of a case you belong to, or of your team for R&D; NOT_FOUND otherwise."
    )
    async def pain_point(self, info: Info, id: strawberry.ID) -> PainPoint:
        user = await info.context.user()
        async with info.context.read() as session:
            found = await painpoint_access.require_visible(session, str(id), user)
            return (await shown(session, user, [found]))[0]

    @strawberry.field(description="The pain points of a case you belong to, newest first.")
    async def case_pain_points(
        self, info: Info, case_id: strawberry.ID, first: int = 20, after: str | None = None
    ) -> PainPointConnection:
        user = await info.context.user()
        async with info.context.read() as session:
            page = await painpoints.case_pain_points(session, user, str(case_id), first=first, after=after)
            nodes = await shown(session, user, page.items)
        return PainPointConnection(
            nodes=nodes,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )

    @strawberry.field(description="Your refused submissions, newest first: correct them with resubmitTicket.")
    async def my_rectification_tickets(
        self,
        info: Info,
        status: TicketStatus | None = None,  # type: ignore[valid-type]
        first: int = 20,
        after: str | None = None,
    ) -> RectificationTicketConnection:
        user = await info.context.user()
        wanted = models.TicketStatus(status) if status is not None else None
        async with info.context.read() as session:
            page = await painpoints.my_tickets(session, user, status=wanted, first=first, after=after)
        return RectificationTicketConnection(
            nodes=[RectificationTicket.of(row) for row in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )
