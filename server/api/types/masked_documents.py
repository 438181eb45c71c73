"""A case's document as a reader whom only masking visibility policies let in reads it."""

from __future__ import annotations

import base64

import strawberry

from server.api.context import Info
from server.domain.access import documents as access_documents
from server.domain.knowledge.redaction import Redacted


@strawberry.type(
    description="A case's document with the customer and personal data masked, for a reader whom only "
    "masking visibility policies let in."
)
class MaskedDocument:
    case_id: strawberry.ID
    document: str = strawberry.field(
        description="The whole redacted copy as a base64 Yjs update (read-only): show it in place of the "
        "previous one; it is not a change to apply on top of it."
    )


async def masked_document(info: Info, case_id: str) -> MaskedDocument:
    """The case's redacted copy as it is now, read as the subscriber (NOT_FOUND once they may not)."""
    user = await info.context.user()
    async with info.context.read() as session:
        case = await access_documents.require_masked_reader(session, case_id, user)
    redacted = await masked_copy(info, case_id, case.customer)
    return MaskedDocument(case_id=strawberry.ID(case_id), document=base64.b64encode(redacted.state).decode())


async def masked_copy(info: Info, case_id: str, customer: str) -> Redacted:
    """The case's document as it is now, redacted: made once per change for every masked reader here."""
    services = info.context.services
    doc, version = await services.rooms.read_doc_version(case_id)
    return await services.masked_copies.of(case_id, doc, version, customer)
