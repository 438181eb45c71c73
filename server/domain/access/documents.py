"""A case's document as a reader whom only masking policies let in sees it: the customer's name, contact
data and ID numbers masked by the rules of material summaries and published knowledge
(server.domain.knowledge.redaction), in the document, its plain text and its versions' texts. Such a reader
is a VIEWER, so the redacted copy is read-only: the live document (the sync endpoint) refuses them."""

from __future__ import annotations

from typing import Any

from pycrdt import Doc
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.access import cases as access_cases
from server.domain.errors import NotFound
from server.domain.knowledge.redaction import Redacted, mask_line, redact_state
from server.infra import offload
from server.models import Case, User


async def redacted_doc(doc: Doc[Any], customer: str) -> Redacted:
    """The redacted copy of a live (or stored) document: its encoded state, plain text and masks."""
    return await offload.run(redact_state, doc.get_update(), customer)


def masked_text(text: str, customer: str) -> str:
    """A version's plain text with the customer and personal data masked, paragraph by paragraph (as the
    redacted document masks each paragraph)."""
    return "\n".join(mask_line(line, customer).text for line in text.split("\n"))


async def require_masked_reader(session: AsyncSession, case_id: str, user: User) -> Case:
    """The case, when only policies that mask its customer let `user` in (they read the redacted copy);
    NOT_FOUND for anyone else: members and readers of the customer as written open the live document, and
    nobody learns whether a case they may not see exists."""
    found = await access_cases.viewer_grant(session, case_id, user)
    if found is None or not await access_cases.masked_by(session, found[0], user):
        raise NotFound("No case you read as a masked copy has this id.")
    return found[0]
