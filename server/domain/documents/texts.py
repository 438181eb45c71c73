"""The searchable plain text of each case document, kept beside the Yjs log.

The text is what `server.domain.documents.text.plain_text` reads from the document, stored with the log
position it was read at: a write for an older position than the stored one changes nothing, so jobs that
finish out of order (several servers, a snapshot beside an indexing job) never put an older text back.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from server.models import DocText
from server.models.base import utcnow


def _insert(session: AsyncSession) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


async def store_text(session: AsyncSession, case_id: str, text: str, position: int) -> None:
    """Keep `text` as the case's searchable text unless a newer position is already stored."""
    insert = _insert(session)(DocText).values(
        case_id=case_id, text=text, position=position, updated_at=utcnow()
    )
    excluded = insert.excluded
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=[DocText.case_id],
            set_={"text": excluded.text, "position": excluded.position, "updated_at": excluded.updated_at},
            where=DocText.position <= excluded.position,
        )
    )
