"""The heatmap job's pass over a case's update log, continued from where the previous pass stopped.

Each run reads only the rows after the last one it read (`HeatmapState.last_update_id`), feeds them to
the saved `EditLedger`, adds what each author inserted and deleted per UTC day to `heatmap_edit_days`,
and recomputes the section heatmap from the current document. It stores all of it in one transaction,
and only if no other run stored something since it started (`version`): running the job twice, or on
two workers at once, counts every update exactly once.

On PostgreSQL a row can commit after a row with a higher id (two servers writing the same case). The
run keeps how many rows it has read up to `last_update_id`; when the case later holds more rows in that
range, one committed late, and the run starts over from the beginning of the log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Result,
    delete,
    func,
    literal,
    null,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.heatmaps import SectionHeatmap
from server.heatmaps.log_pass import (
    Computed,
    LogRow,
    UnreadableLedger,
    compute,
    sections_from_json,
)
from server.infra import offload
from server.infra.db import Database
from server.models import Case, DocCheckpoint, DocUpdate, HeatmapEditDay, HeatmapState
from server.models.base import utcnow

log = logging.getLogger("warroom.heatmaps")

_ATTEMPTS: Final = 5
_IN_LOOP_ROWS: Final = 2_000


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    """What one run did."""

    case_id: str
    stored: bool
    """False when there was nothing new (or the case is gone)."""
    updates_read: int
    """Rows decoded by this run."""
    rebuilt: bool
    """True when the run read the log from the beginning (first run, or a late commit)."""
    last_update_id: int


@dataclass(frozen=True, slots=True)
class StoredSections:
    """The section heatmap as the last run stored it."""

    heatmap: SectionHeatmap
    computed_at: datetime
    last_update_id: int


@dataclass(frozen=True, slots=True)
class _Start:
    version: int
    last_update_id: int
    updates_read: int
    malformed: int
    ledger: bytes | None


async def refresh(db: Database, case_id: str) -> RefreshOutcome:
    """Bring a case's stored heatmap data up to date with its log; safe to run twice or concurrently."""
    for _ in range(_ATTEMPTS):
        outcome = await _refresh_once(db, case_id)
        if outcome is not None:
            return outcome
    # Every attempt lost the race to another run, which stored at least as much as this one would have.
    log.info("heatmap refresh left to concurrent runs", extra={"case_id": case_id})
    return RefreshOutcome(case_id, False, 0, False, 0)


async def _refresh_once(db: Database, case_id: str) -> RefreshOutcome | None:
    async with db.reads() as session:
        if await session.get(Case, case_id) is None:
            return RefreshOutcome(case_id, False, 0, False, 0)
        start = await _start(session, case_id)
    rebuild = start.ledger is None
    rows = await _read_log(db, case_id, after=start.last_update_id)
    if not rebuild:
        async with db.reads() as session:
            # Counted after reading, so a row that committed late is either in `rows` or counted here.
            counted = await session.scalar(
                select(func.count()).where(DocUpdate.case_id == case_id, DocUpdate.id <= start.last_update_id)
            )
        if counted != start.updates_read:
            log.info(
                "a document update committed late; reading the log again",
                extra={"case_id": case_id, "expected": start.updates_read, "found": counted},
            )
            rebuild = True
            rows = await _read_log(db, case_id, after=0)
    after = 0 if rebuild else start.last_update_id
    fresh = [row for row in rows if row.part == 1 and row.id > after]
    if not fresh and not rebuild:
        return RefreshOutcome(case_id, False, 0, False, start.last_update_id)
    try:
        computed = await offload.run(compute, None if rebuild else start.ledger, rows, fresh)
    except UnreadableLedger as error:
        log.warning("reading the log again: %s", error, extra={"case_id": case_id})
        rows = await _read_log(db, case_id, after=0)
        rebuild, after = True, 0
        fresh = [row for row in rows if row.part == 1]
        computed = await offload.run(compute, None, rows, fresh)
    for update_id, why in computed.malformed:
        log.warning("skipped an update the heatmap cannot read: %s", why, extra={"update_id": update_id})
    read = len(fresh) + (0 if rebuild else start.updates_read)
    last = max(computed.last_update_id, after)
    if not await _store(db, case_id, start, computed, rebuild=rebuild, updates_read=read, last=last):
        return None
    return RefreshOutcome(case_id, True, len(fresh), rebuild, last)


async def _start(session: AsyncSession, case_id: str) -> _Start:
    state = (
        await session.execute(
            select(
                HeatmapState.version,
                HeatmapState.last_update_id,
                HeatmapState.updates_read,
                HeatmapState.malformed,
                HeatmapState.ledger,
            ).where(HeatmapState.case_id == case_id)
        )
    ).one_or_none()
    if state is None:
        return _Start(0, 0, 0, 0, None)
    return _Start(state.version, state.last_update_id, state.updates_read, state.malformed, state.ledger)


async def _read_log(db: Database, case_id: str, *, after: int) -> list[LogRow]:
    """The rows after `after` (to count) and the checkpoint plus unmerged rows (the current document).

    One statement, so both come from one snapshot even while a compaction commits beside it. Up to
    `_IN_LOOP_ROWS` rows (a run every `WARROOM_HEATMAP_DELAY_SECONDS` while people type) are read with
    the short reads' sessions: on SQLite in the event loop, for a few milliseconds. The pool's thread
    would hand every row to the loop through the GIL, and a loop waiting for the GIL delays every live
    edit by up to 5 ms at a time, for as long as the read lasts (benchmarks/sync_fanout.py, 20 s runs).
    A longer log (a first run on an old case) goes to that thread all the same: never one long stall.
    """
    wanted = (DocUpdate.compacted.is_(False)) | (DocUpdate.id > after)
    async with db.reads() as session:
        size = await session.scalar(select(func.count()).where(DocUpdate.case_id == case_id, wanted))
    sessions = db.reads if (size or 0) <= _IN_LOOP_ROWS else db.sessions
    async with sessions() as session:
        return await _log_rows(session, case_id, wanted)


async def _log_rows(session: AsyncSession, case_id: str, wanted: ColumnElement[bool]) -> list[LogRow]:
    rows = select(
        literal(1).label("part"),
        DocUpdate.id,
        DocUpdate.author_id,
        DocUpdate.created_at,
        DocUpdate.compacted,
        DocUpdate.data,
    ).where(DocUpdate.case_id == case_id, wanted)
    # The checkpoint comes second so the result columns take the rows' types (timestamps read as UTC).
    checkpoint = select(
        literal(0), literal(0, BigInteger), null(), null(), literal(True), DocCheckpoint.state
    ).where(DocCheckpoint.case_id == case_id)
    result: Result[Any] = await session.execute(union_all(rows, checkpoint).order_by("part", "id"))
    return [LogRow._make(row) for row in result]


async def _store(
    db: Database,
    case_id: str,
    start: _Start,
    computed: Computed,
    *,
    rebuild: bool,
    updates_read: int,
    last: int,
) -> bool:
    """Store a run's results unless another run stored first; False when it did."""
    malformed = len(computed.malformed) + (0 if rebuild else start.malformed)
    values = {
        "version": start.version + 1,
        "last_update_id": last,
        "updates_read": updates_read,
        "malformed": malformed,
        "ledger": computed.ledger,
        "sections": computed.sections,
        "computed_at": utcnow(),
    }
    try:
        async with db.transaction() as session:
            if start.version == 0:
                session.add(HeatmapState(case_id=case_id, **values))
                await session.flush()
            else:
                result = await session.execute(
                    update(HeatmapState)
                    .where(HeatmapState.case_id == case_id, HeatmapState.version == start.version)
                    .values(**values)
                )
                if getattr(result, "rowcount", 0) != 1:
                    return False
            if rebuild:
                await session.execute(delete(HeatmapEditDay).where(HeatmapEditDay.case_id == case_id))
            await _add_days(session, case_id, computed.days, replace=rebuild)
    except IntegrityError:
        # Another run created the state first, or the case was deleted meanwhile: start again.
        return False
    return True


async def _add_days(
    session: AsyncSession, case_id: str, days: Mapping[tuple[str, date], list[int]], *, replace: bool
) -> None:
    existing: dict[tuple[str, date], HeatmapEditDay] = {}
    if not replace and days:
        keys = list(days)
        for chunk in range(0, len(keys), 500):
            found = await session.scalars(
                select(HeatmapEditDay).where(
                    HeatmapEditDay.case_id == case_id,
                    tuple_(HeatmapEditDay.user_id, HeatmapEditDay.day).in_(keys[chunk : chunk + 500]),
                )
            )
            existing.update({(row.user_id, row.day): row for row in found})
    for (user_id, day), (inserted, deleted) in days.items():
        row = existing.get((user_id, day))
        if row is None:
            session.add(
                HeatmapEditDay(
                    case_id=case_id, user_id=user_id, day=day, chars_inserted=inserted, chars_deleted=deleted
                )
            )
        else:
            row.chars_inserted += inserted
            row.chars_deleted += deleted


async def stored_sections(session: AsyncSession, case_id: str) -> StoredSections | None:
    """The section heatmap the last run stored, or None if no run has stored one yet."""
    row = (
        await session.execute(
            select(HeatmapState.sections, HeatmapState.computed_at, HeatmapState.last_update_id).where(
                HeatmapState.case_id == case_id
            )
        )
    ).one_or_none()
    if row is None:
        return None
    return StoredSections(sections_from_json(row.sections), row.computed_at, row.last_update_id)


async def progress(session: AsyncSession, case_ids: Sequence[str]) -> dict[str, tuple[int, int | None]]:
    """case id -> (how many updates its log holds, how many of them the heatmap has read, or None before
    its first run). Counts, not ids: on PostgreSQL a row can commit after one with a higher id, and only a
    count shows that the heatmap has missed it."""
    if not case_ids:
        return {}
    held = dict(
        (
            await session.execute(
                select(DocUpdate.case_id, func.count())
                .where(DocUpdate.case_id.in_(case_ids))
                .group_by(DocUpdate.case_id)
            )
        ).all()
    )
    read = dict(
        (
            await session.execute(
                select(HeatmapState.case_id, HeatmapState.updates_read).where(
                    HeatmapState.case_id.in_(case_ids)
                )
            )
        ).all()
    )
    return {case_id: (held.get(case_id) or 0, read.get(case_id)) for case_id in case_ids}
