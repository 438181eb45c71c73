"""The redacted copy of a case's document, sent again as the document changes, for readers who may not join
the live document."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from server.api import live
from server.api.context import Info
from server.api.types.masked_documents import MaskedDocument, masked_document
from server.domain.access import documents as access_documents
from server.domain.documents import changes
from server.models import User


@strawberry.type
class DocumentSubscriptions:
    @strawberry.subscription(
        description="For a reader whom only masking visibility policies let into the case "
        "(`customerMaskedBy` not empty): its redacted copy now, then again after it changes (edits, "
        "restores; at most once a second by default, WARROOM_MASKED_COPY_SECONDS), on any server. "
        "Anyone else is refused with NOT_FOUND: members open the live document through `syncTicket`. "
        "Ends with NOT_FOUND once the policy no longer lets them in."
    )
    async def masked_document_events(
        self, info: Info, case_id: strawberry.ID
    ) -> AsyncGenerator[MaskedDocument, None]:
        wanted = str(case_id)

        async def reader(session: AsyncSession, user: User) -> object:
            return await access_documents.require_masked_reader(session, wanted, user)

        events = await live.events(info, changes.topic(wanted), reader, first={"caseId": wanted})
        return live.mapped(events, lambda _event: masked_document(info, wanted))
