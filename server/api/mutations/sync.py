"""Tickets for the live-sync socket."""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry

from server.api.context import Info
from server.domain import sync_tickets
from server.domain.accounts.tokens import idle_limit


@strawberry.type
class SyncTicket:
    ticket: str = strawberry.field(
        description="Pass as `?ticket=` to `/sync/{caseId}`; it opens one connection."
    )
    expires_at: datetime


@strawberry.type
class SyncMutations:
    @strawberry.mutation(
        description="A single-use ticket that opens this case's live-sync socket, valid for "
        "`WARROOM_SYNC_TICKET_SECONDS` (60 s) and while your token is; one per connection."
    )
    async def sync_ticket(self, info: Info, case_id: strawberry.ID) -> SyncTicket:
        await info.context.user()
        token = info.context.token
        assert token is not None
        ttl = timedelta(seconds=info.context.settings.sync_ticket_seconds)
        async with info.context.command() as session:
            issued = await sync_tickets.issue(
                session, token, str(case_id), ttl, idle_limit(info.context.settings)
            )
        return SyncTicket(ticket=issued.ticket, expires_at=issued.expires_at)
