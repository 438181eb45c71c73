"""Writing to a case document as a client would, straight into its update log."""

from __future__ import annotations

from pycrdt import XmlElement, XmlText

from server.domain.documents import store as documents
from server.domain.documents.text import body
from server.infra.db import Database
from server.models.base import utcnow


async def write(db: Database, case_id: str, author_id: str, *paragraphs: str, replace: bool = False) -> None:
    """Append paragraphs (after deleting every block when `replace`) as one update by `author_id`."""
    async with db.transaction() as session:
        doc = await documents.load_doc(session, case_id)
        before = doc.get_state()
        with doc.transaction():
            if replace:
                del body(doc).children[:]
            for text in paragraphs:
                element = body(doc).children.append(XmlElement("paragraph"))
                element.children.append(XmlText(text))
        update = doc.get_update(before)
        await documents.append(session, [documents.NewUpdate(case_id, author_id, update, utcnow())])
