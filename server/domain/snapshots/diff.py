"""What changed between two versions of a case document (or a version and the live one), and who.

Authors come from the update log: the updates between the two versions are replayed on the older
one, grouped into runs by author, and each run's text changes are credited to its author.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pycrdt import Doc
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.documents.live import LiveDocuments
from server.domain.documents.text import plain_text
from server.domain.documents.text_diff import NOBODY, Authors, BlameReplay, TextDiff, diff_texts, reverse
from server.domain.errors import BadInput
from server.domain.snapshots import actions as snapshots
from server.models import DocUpdate, Snapshot, User

# Beyond this many updates between the versions, segments are not credited (the diff itself and
# the list of everyone who edited in between still are): the replay must stay interactive.
MAX_REPLAYED_UPDATES = 20_000
# Author runs beyond this are merged with their neighbours (their segments name several people).
MAX_STEPS = 200


@dataclass(frozen=True)
class Version:
    """One end of a diff: a snapshot, or the live document (snapshot None)."""

    snapshot: Snapshot | None
    state: bytes
    text: str
    position: int
    last_update_id: int | None


@dataclass(frozen=True)
class SnapshotDiff:
    source: Snapshot
    target: Snapshot | None  # None: the live document
    diff: TextDiff
    author_ids: tuple[str, ...]  # everyone whose updates lie between the two, first editor first
    credited: bool  # False when too many updates lie between to credit each segment


def _version(snapshot: Snapshot, text: str) -> Version:
    return Version(snapshot, snapshot.state, text, snapshot.position, snapshot.last_update_id)


async def _live_version(session: AsyncSession, live: LiveDocuments, case_id: str) -> Version:
    await live.settle(case_id)
    stored = await snapshots.stored_document(session, case_id)
    doc: Doc[Any] = Doc()
    doc.apply_update(stored.state)
    return Version(None, stored.state, plain_text(doc), stored.position, stored.last_update_id)


def _range(case_id: str, older: Version, newer: Version) -> list[Any]:
    conditions = [DocUpdate.case_id == case_id]
    if older.last_update_id is not None:
        conditions.append(DocUpdate.id > older.last_update_id)
    if newer.last_update_id is not None:
        conditions.append(DocUpdate.id <= newer.last_update_id)
    return conditions


async def _editors(session: AsyncSession, conditions: list[Any]) -> tuple[str, ...]:
    first_edit = func.min(DocUpdate.id)
    rows = await session.execute(
        select(DocUpdate.author_id, first_edit)
        .where(*conditions, DocUpdate.author_id.is_not(None))
        .group_by(DocUpdate.author_id)
        .order_by(first_edit)
    )
    return tuple(str(author) for author, _first in rows.all())


def _steps(rows: Sequence[tuple[str | None, bytes]]) -> list[tuple[Authors, list[bytes]]]:
    """Consecutive updates of one author form one step; too many steps are merged pairwise."""
    steps: list[tuple[Authors, list[bytes]]] = []
    for author, data in rows:
        authors: Authors = frozenset((author,)) if author else NOBODY
        if steps and steps[-1][0] == authors:
            steps[-1][1].append(data)
        else:
            steps.append((authors, [data]))
    while len(steps) > MAX_STEPS:
        merged = []
        for k in range(0, len(steps), 2):
            pair = steps[k : k + 2]
            merged.append((frozenset().union(*(a for a, _ in pair)), [d for _, ds in pair for d in ds]))
        steps = merged
    return steps


async def _blamed(session: AsyncSession, case_id: str, older: Version, newer: Version) -> TextDiff | None:
    rows = (
        await session.execute(
            select(DocUpdate.author_id, DocUpdate.data)
            .where(*_range(case_id, older, newer))
            .order_by(DocUpdate.id)
            .limit(MAX_REPLAYED_UPDATES + 1)
        )
    ).all()
    if len(rows) > MAX_REPLAYED_UPDATES:
        return None
    doc: Doc[Any] = Doc()
    doc.apply_update(older.state)
    replay = BlameReplay(older.text)
    for authors, updates in _steps([(author, data) for author, data in rows]):
        with doc.transaction():
            for data in updates:
                doc.apply_update(data)
        replay.step(plain_text(doc), authors)
    # Anything the log range missed (an update committed late on another server) lands here.
    replay.step(newer.text, NOBODY)
    return diff_texts(older.text, newer.text, replay.result())


async def diff(
    session: AsyncSession, live: LiveDocuments, user: User, from_id: str, to_id: str | None
) -> SnapshotDiff:
    """The paragraph/word differences from one version to another (or to the live document)."""
    source = await snapshots.require_snapshot(session, user, from_id, with_state=True)
    target = await snapshots.require_snapshot(session, user, to_id, with_state=True) if to_id else None
    case_id = source.case_id
    if target is not None and target.case_id != case_id:
        raise BadInput("Both versions must belong to the same case.")
    texts = {s.id: await snapshots.text_of(session, s.id) for s in (source, target) if s is not None}
    start = _version(source, texts[source.id])
    end = _version(target, texts[target.id]) if target else await _live_version(session, live, case_id)
    backwards = end.position < start.position
    older, newer = (end, start) if backwards else (start, end)
    editors = await _editors(session, _range(case_id, older, newer))
    blamed = await _blamed(session, case_id, older, newer)
    credited = blamed is not None
    result = blamed if blamed is not None else diff_texts(older.text, newer.text)
    return SnapshotDiff(source, target, reverse(result) if backwards else result, editors, credited)
