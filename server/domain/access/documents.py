"""A case's document as a reader whom only masking policies let in sees it: the customer's name, contact
data and ID numbers masked by the rules of material summaries and published knowledge
(server.domain.knowledge.redaction), in the document, its plain text and its versions' texts. Such a reader
is a VIEWER, so the redacted copy is read-only: the live document (the sync endpoint) refuses them."""

from __future__ import annotations

import asyncio
import weakref
from collections import OrderedDict
from typing import Any

from pycrdt import Doc
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.access import cases as access_cases
from server.domain.errors import NotFound
from server.domain.knowledge.redaction import Redacted, mask_line, redact_state
from server.infra import offload
from server.infra.ids import is_id
from server.models import Case, User


async def redacted_doc(doc: Doc[Any], customer: str) -> Redacted:
    """The redacted copy of a live (or stored) document: its encoded state, plain text and masks."""
    return await offload.run(redact_state, doc.get_update(), customer)


class RedactedCopies:
    """The redacted copy of each recently read case, made once per document state for every masked reader
    of the case on this server. Redacting replays the whole document (`benchmarks/masked_copies.py`), and each
    change reaches every subscribed reader (`maskedDocumentEvents`) at the same moment: they share one
    redaction instead of making one each. A document is known unchanged by its identity and the version
    its holder gives (see `Rooms.read_doc_version`), as `comments.anchors.ResolverCache` knows it.
    """

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[weakref.ref[Doc[Any]], int, str, asyncio.Future[Redacted]]] = (
            OrderedDict()
        )

    async def of(self, case_id: str, doc: Doc[Any], version: int, customer: str) -> Redacted:
        """The redacted copy of `doc` as it is now (made, or being made, once for all callers)."""
        entry = self._entries.get(case_id)
        if entry is None or entry[0]() is not doc or entry[1] != version or entry[2] != customer:
            made = asyncio.ensure_future(redacted_doc(doc, customer))
            entry = (weakref.ref(doc), version, customer, made)
            self._entries[case_id] = entry
            made.add_done_callback(lambda done: self._forget_failed(case_id, done))
        self._entries.move_to_end(case_id)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
        # One caller giving up (a subscriber leaving) must not cancel the copy the others wait for.
        return await asyncio.shield(entry[3])

    def _forget_failed(self, case_id: str, done: asyncio.Future[Redacted]) -> None:
        entry = self._entries.get(case_id)
        if entry is not None and entry[3] is done and (done.cancelled() or done.exception() is not None):
            del self._entries[case_id]


def masked_text(text: str, customer: str) -> str:
    """A version's plain text with the customer and personal data masked, paragraph by paragraph (as the
    redacted document masks each paragraph)."""
    return "\n".join(mask_line(line, customer).text for line in text.split("\n"))


async def require_masked_reader(session: AsyncSession, case_id: str, user: User) -> Case:
    """The case, when only policies that mask its customer let `user` in (they read the redacted copy);
    NOT_FOUND for anyone else: members and readers of the customer as written open the live document, and
    nobody learns whether a case they may not see exists."""
    case = None
    if user.team_id is not None and is_id(case_id):
        case = await session.scalar(select(Case).where(Case.id == case_id, Case.team_id == user.team_id))
    # Masking policies open it only when every policy that opens it masks (and there is no membership).
    if case is None or not await access_cases.masked_by(session, case, user):
        raise NotFound("No case you read as a masked copy has this id.")
    return case
