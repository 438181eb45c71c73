"""A case's document as a reader whom only masking policies let in sees it: the customer's name, contact
data and ID numbers masked by the rules of material summaries and published knowledge
(server.domain.knowledge.redaction), in the document, its plain text and its versions' texts. Such a reader
is a VIEWER, so the redacted copy is read-only: the live document (the sync endpoint) refuses them."""

from __future__ import annotations

from typing import Any

from pycrdt import Doc

from server.domain.knowledge.redaction import Redacted, mask_line, redact_state
from server.infra import offload


async def redacted_doc(doc: Doc[Any], customer: str) -> Redacted:
    """The redacted copy of a live (or stored) document: its encoded state, plain text and masks."""
    return await offload.run(redact_state, doc.get_update(), customer)


def masked_text(text: str, customer: str) -> str:
    """A version's plain text with the customer and personal data masked, paragraph by paragraph (as the
    redacted document masks each paragraph)."""
    return "\n".join(mask_line(line, customer).text for line in text.split("\n"))
