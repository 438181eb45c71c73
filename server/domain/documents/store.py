"""The durable case document: append effective updates, load the state, compact the log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from pycrdt import Doc
from sqlalchemy import Select, Table, bindparam, func, insert, literal, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from server.infra import offload
from server.infra.db import core_rows
from server.models import DocCheckpoint, DocUpdate
from server.models.base import utcnow
from server.yjs.states import merged_state

_LOG = cast(Table, DocUpdate.__table__)


@dataclass(frozen=True)
class NewUpdate:
    case_id: str
    author_id: str | None
    data: bytes
    created_at: datetime


async def append(db: AsyncSession | AsyncConnection, updates: Sequence[NewUpdate]) -> None:
    """Append updates to their cases' logs in the caller's transaction (one statement).

    A Core insert on the table: the ORM's bulk path costs several times more per call, and this runs
    for every group commit of live edits.
    """
    if not updates:
        return
    await db.execute(
        insert(_LOG),
        [
            {"case_id": u.case_id, "author_id": u.author_id, "data": u.data, "created_at": u.created_at}
            for u in updates
        ],
    )


async def load_updates(session: AsyncSession, case_id: str) -> list[bytes]:
    """The checkpoint (if any) followed by every update not yet merged into it.

    One statement, so it reads one snapshot even while a compaction commits beside it.
    """
    head = select(literal(0).label("part"), literal(0).label("seq"), DocCheckpoint.state.label("data")).where(
        DocCheckpoint.case_id == case_id
    )
    tail = select(literal(1), DocUpdate.id, DocUpdate.data).where(
        DocUpdate.case_id == case_id, DocUpdate.compacted.is_(False)
    )
    rows = await session.execute(union_all(head, tail).order_by("part", "seq"))
    return [data for _part, _seq, data in rows.all()]


def _log_position_statement() -> Select[tuple[int]]:
    checkpoints, log = DocCheckpoint.__table__.c, DocUpdate.__table__.c
    merged = select(checkpoints.updates_merged).where(checkpoints.case_id == bindparam("case_id"))
    pending = (
        select(func.count())
        .select_from(DocUpdate.__table__)
        .where(log.case_id == bindparam("case_id"), log.compacted.is_(False))
    )
    return select(func.coalesce(merged.scalar_subquery(), 0) + pending.scalar_subquery())


# Built once: a GraphQL read of a case that is not open here asks it on every request.
_LOG_POSITION = _log_position_statement()


async def log_position(session: AsyncSession, case_id: str) -> int:
    """How many updates a case's log holds (merged or not): it changes exactly when the document does."""
    rows = await core_rows(session, _LOG_POSITION, {"case_id": case_id})
    return int(rows[0][0] or 0)


async def load_doc(session: AsyncSession, case_id: str) -> Doc[Any]:
    """A fresh Doc holding the stored state of a case."""
    doc: Doc[Any] = Doc()
    with doc.transaction():
        for data in await load_updates(session, case_id):
            doc.apply_update(data)
    return doc


async def compact(session: AsyncSession, case_id: str) -> int:
    """Merge every unmerged update into the checkpoint; returns how many were merged.

    Rows are marked rather than counted by id, so an update whose transaction commits late (a
    lower id becoming visible after a higher one) is never skipped: it stays unmerged until next time.
    """
    checkpoint = await session.get(DocCheckpoint, case_id, with_for_update=True)
    rows = (
        await session.execute(
            select(DocUpdate.id, DocUpdate.data)
            .where(DocUpdate.case_id == case_id, DocUpdate.compacted.is_(False))
            .order_by(DocUpdate.id)
        )
    ).all()
    if not rows:
        return 0
    # Replaying the log is milliseconds of CPU: in a child process (server.infra.offload), away from live
    # edits.
    base = [checkpoint.state] if checkpoint is not None else []
    state = await offload.run(merged_state, [*base, *(data for _id, data in rows)])
    if checkpoint is None:
        session.add(
            DocCheckpoint(case_id=case_id, state=state, updates_merged=len(rows), updated_at=utcnow())
        )
    else:
        checkpoint.state = state
        checkpoint.updates_merged += len(rows)
        checkpoint.updated_at = utcnow()
    ids = [row_id for row_id, _data in rows]
    for start in range(0, len(ids), 1000):
        await session.execute(
            update(DocUpdate).where(DocUpdate.id.in_(ids[start : start + 1000])).values(compacted=True)
        )
    return len(rows)
