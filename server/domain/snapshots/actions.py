"""Version snapshots of a case document: named, automatic and "before restore" ones, and reading them.

Each snapshot stores the document's full encoded state (`Y.encodeStateAsUpdate`), so it reads back
in one step whatever garbage collection or log compaction did since (docs/benchmarks.md has the
measured cost), plus its plain text and its position in the case's update log.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, literal, null, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from server.domain.cases import actions as cases
from server.domain.documents import store as documents
from server.domain.documents import texts
from server.domain.documents.live import LiveDocuments
from server.domain.documents.text import HeadingLine, state_heading_lines, state_text
from server.domain.errors import BadInput, NotFound
from server.domain.pagination import Page, check_first, decode_cursor, encode_cursor
from server.domain.points import awards
from server.domain.snapshots import events as snapshot_events
from server.domain.users import Person
from server.infra import offload
from server.infra.config import Settings, float_setting, int_setting
from server.infra.db import core_rows
from server.infra.ids import is_id
from server.models import CaseRole, DocCheckpoint, DocUpdate, Snapshot, SnapshotKind, User
from server.models.base import utcnow
from server.yjs.states import merged_state

MAX_LABEL = 200
# Who may name a version or restore one. Commenters may not: a named version is a statement about
# content they cannot change, and it earns value points (SNAPSHOT_NAMED).
WRITERS = (CaseRole.OWNER, CaseRole.EDITOR)


@dataclass(frozen=True)
class AutoPolicy:
    """When automatic snapshots are taken; 0 turns a trigger off."""

    idle_seconds: float = 300.0
    every_updates: int = 200

    @classmethod
    def from_settings(cls, settings: Settings) -> AutoPolicy:
        return cls.from_env(settings.extra)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AutoPolicy:
        return cls(
            idle_seconds=float_setting(env, "WARROOM_SNAPSHOT_IDLE_SECONDS", cls.idle_seconds),
            every_updates=int_setting(env, "WARROOM_SNAPSHOT_EVERY_UPDATES", cls.every_updates),
        )


class AutoReason(enum.StrEnum):
    IDLE = "idle"  # nobody edited for `idle_seconds` after a change
    COUNT = "count"  # `every_updates` changes since the last snapshot
    SHUTDOWN = "shutdown"  # the server stops with an idle timer pending


# ---- the stored document -------------------------------------------------------------------


@dataclass(frozen=True)
class StoredDocument:
    """A case document as the database holds it, and where in the update log that is."""

    state: bytes
    position: int  # how many log rows the state holds
    last_update_id: int | None
    last_update_at: datetime | None


async def stored_document(session: AsyncSession, case_id: str) -> StoredDocument:
    """The stored state with its log position, read in one statement (one consistent view)."""
    head = select(
        literal(0).label("part"),
        literal(0).label("seq"),
        DocCheckpoint.state.label("data"),
        DocCheckpoint.updates_merged.label("merged"),
        DocCheckpoint.updated_at.label("at"),
    ).where(DocCheckpoint.case_id == case_id)
    tail = select(literal(1), DocUpdate.id, DocUpdate.data, literal(0), DocUpdate.created_at).where(
        DocUpdate.case_id == case_id, DocUpdate.compacted.is_(False)
    )
    newest = select(func.max(DocUpdate.id)).where(DocUpdate.case_id == case_id).scalar_subquery()
    last = select(literal(2), DocUpdate.id, null(), literal(0), DocUpdate.created_at).where(
        DocUpdate.id == newest
    )
    parts: list[bytes] = []
    position = 0
    last_id: int | None = None
    last_at: datetime | None = None
    rows: list[Any] = list(await session.execute(union_all(head, tail, last).order_by("part", "seq")))
    for part, seq, data, merged, at in rows:
        if part == 0:
            parts.append(data)
            position += int(merged)
        elif part == 1:
            parts.append(data)
            position += 1
        else:
            last_id, last_at = int(seq), at
    # Replaying a long log is milliseconds of CPU: in a child process (server.infra.offload), away from
    # live edits.
    return StoredDocument(await offload.run(merged_state, parts), position, last_id, last_at)


async def _new(
    case_id: str,
    stored: StoredDocument,
    kind: SnapshotKind,
    *,
    author_id: str | None = None,
    label: str | None = None,
    restored_from_id: str | None = None,
    state: bytes | None = None,
) -> Snapshot:
    state = stored.state if state is None else state
    text = await offload.run(state_text, state)
    return Snapshot(
        case_id=case_id,
        kind=kind,
        label=label,
        author_id=author_id,
        position=stored.position,
        last_update_id=stored.last_update_id,
        restored_from_id=restored_from_id,
        size=len(state),
        state=state,
        text=text,
    )


async def _keep_text(session: AsyncSession, snapshot: Snapshot) -> None:
    # The text is read already: the case's searchable copy is brought to the snapshot's position for free.
    await texts.store_text(session, snapshot.case_id, snapshot.text or "", snapshot.position)


def clean_label(label: str) -> str:
    """A version name: one line, 1 to MAX_LABEL characters."""
    label = " ".join(label.split())
    if not label:
        raise BadInput("A named version needs a label.")
    if len(label) > MAX_LABEL:
        raise BadInput(f"A version label has at most {MAX_LABEL} characters.")
    return label


# ---- taking snapshots ----------------------------------------------------------------------


async def create_named(
    session: AsyncSession, live: LiveDocuments, user: User, case_id: str, label: str
) -> Snapshot:
    """Name the case document as it is now (owners and editors); naming a version earns value points (the
    snapshot id keys the award, so it is given once)."""
    await cases.require_role(session, case_id, user, *WRITERS)
    label = clean_label(label)
    await live.settle(case_id)
    snapshot = await _new(
        case_id, await stored_document(session, case_id), SnapshotKind.NAMED, author_id=user.id, label=label
    )
    session.add(snapshot)
    await session.flush()
    await _keep_text(session, snapshot)
    snapshot_events.created(session, snapshot)
    awards.queue_award(session, awards.snapshot_named(snapshot.id, user.id))
    return snapshot


async def take_before_restore(
    session: AsyncSession, case_id: str, user: User, restoring: Snapshot
) -> Snapshot:
    """Keep the document as it is right before `restoring` is restored over it."""
    label = f"Before restoring “{restoring.label}”" if restoring.label else "Before restore"
    snapshot = await _new(
        case_id,
        await stored_document(session, case_id),
        SnapshotKind.BEFORE_RESTORE,
        author_id=user.id,
        label=label[:MAX_LABEL],
        restored_from_id=restoring.id,
    )
    session.add(snapshot)
    await session.flush()
    await _keep_text(session, snapshot)
    snapshot_events.created(session, snapshot)
    return snapshot


async def take_auto(
    session: AsyncSession,
    case_id: str,
    *,
    reason: AutoReason,
    policy: AutoPolicy,
    now: datetime | None = None,
    reads: AsyncSession | None = None,
) -> Snapshot | None:
    """Take the automatic snapshot `reason` calls for, unless it is not due or another took it.

    Idempotent and safe on any number of servers: it reads the log, snapshots only a position
    no snapshot holds yet, and a unique index settles two servers racing for the same one.
    `reads` (a `Database.reads` session) reads the log where the short reads run: on SQLite in
    the event loop, rather than row by row through the pool's thread and the GIL.
    """
    snapshot = await _due_auto(reads or session, case_id, reason=reason, policy=policy, now=now)
    if snapshot is None:
        return None
    try:
        async with session.begin_nested():
            session.add(snapshot)
    except IntegrityError:
        return None  # another server took this very position a moment ago
    await _keep_text(session, snapshot)
    snapshot_events.created(session, snapshot)
    return snapshot


async def _due_auto(
    session: AsyncSession, case_id: str, *, reason: AutoReason, policy: AutoPolicy, now: datetime | None
) -> Snapshot | None:
    """The automatic snapshot due now (not added to any session), or None."""
    latest = (
        await session.execute(
            select(Snapshot.position).where(Snapshot.case_id == case_id).order_by(Snapshot.id.desc()).limit(1)
        )
    ).scalar_one_or_none()
    # Most count checks find nothing due: decide that from a count before reading the whole log.
    if (
        reason is AutoReason.COUNT
        and await documents.log_position(session, case_id) - (latest or 0) < policy.every_updates
    ):
        return None
    stored = await stored_document(session, case_id)
    if stored.position == 0:
        return None
    since = stored.position - (latest or 0)
    if since <= 0:
        return None
    if reason is AutoReason.COUNT and since < policy.every_updates:
        return None
    if reason is AutoReason.IDLE and stored.last_update_at is not None:
        # Someone (maybe on another server) edited since this timer started: their timer will come.
        quiet = (now or utcnow()) - stored.last_update_at
        if quiet < timedelta(seconds=policy.idle_seconds * 0.9):
            return None
    return await _new(case_id, stored, SnapshotKind.AUTO)


# ---- reading ---------------------------------------------------------------------------------


def _not_found(snapshot_id: str) -> NotFound:
    return NotFound(f"No snapshot with id {snapshot_id} is visible to you.")


async def require_snapshot(
    session: AsyncSession, user: User, snapshot_id: str, *roles: CaseRole, with_state: bool = False
) -> Snapshot:
    """A snapshot of a case the caller belongs to (with one of `roles`, when given); NOT_FOUND otherwise."""
    query = select(Snapshot).where(Snapshot.id == snapshot_id)
    if with_state:
        query = query.options(undefer(Snapshot.state))
    snapshot = (await session.execute(query)).scalar_one_or_none() if is_id(snapshot_id) else None
    member = await cases.membership(session, snapshot.case_id, user.id) if snapshot else None
    if snapshot is None or member is None:
        raise _not_found(snapshot_id)
    if roles:
        await cases.require_role(session, snapshot.case_id, user, *roles)
    return snapshot


@dataclass(frozen=True)
class Listed:
    """A snapshot as a list shows it: no state, its text only when asked for."""

    id: str
    case_id: str
    kind: SnapshotKind
    label: str | None
    author_id: str | None
    created_at: datetime
    size: int
    restored_from_id: str | None
    text: str | None
    author: Person | None


_SNAPSHOTS = Snapshot.__table__.c
_PEOPLE = User.__table__.c
_LISTED = (
    _SNAPSHOTS.id, _SNAPSHOTS.case_id, _SNAPSHOTS.kind, _SNAPSHOTS.label, _SNAPSHOTS.author_id,
    _SNAPSHOTS.created_at, _SNAPSHOTS.size, _SNAPSHOTS.restored_from_id,
)  # fmt: skip
_PERSON = (_PEOPLE.id, _PEOPLE.email, _PEOPLE.name, _PEOPLE.role)


def _page_statement(*, with_text: bool, after: bool) -> Select[Any]:
    s = _SNAPSHOTS
    query = (
        select(*_LISTED, s.text if with_text else null(), *_PERSON)
        .select_from(Snapshot.__table__.outerjoin(User.__table__, _PEOPLE.id == s.author_id))
        .where(s.case_id == bindparam("case_id"))
    )
    if after:
        query = query.where(s.id < bindparam("after"))
    return query.order_by(s.id.desc()).limit(bindparam("limit", type_=Integer))


# Built once, so SQLAlchemy finds each compiled form by the statement object it already knows.
_PAGES = {
    (text, after): _page_statement(with_text=text, after=after)
    for text in (False, True)
    for after in (False, True)
}


def _listed(row: Any) -> Listed:
    sid, case_id, kind, label, author_id, created_at, size, restored_from_id, text, *person = row
    author = Person(*person) if person[0] is not None else None
    return Listed(sid, case_id, kind, label, author_id, created_at, size, restored_from_id, text, author)


async def list_snapshots(
    session: AsyncSession, user: User, case_id: str, *, first: int, after: str | None, with_text: bool
) -> Page[Listed]:
    """A case's snapshots with their authors, newest first; `with_text` loads each one's text too."""
    await cases.require_member(session, case_id, user)
    return await page_of(session, case_id, first=first, after=after, with_text=with_text)


async def page_of(
    session: AsyncSession, case_id: str, *, first: int, after: str | None, with_text: bool
) -> Page[Listed]:
    """A page of a case's snapshots with their authors, for a caller known to be a member.

    One query, read as plain rows: the case view lists a hundred of them on every load.
    """
    first = check_first(first)
    params: dict[str, object] = {"case_id": case_id, "limit": first + 1}
    if after is not None:
        params["after"] = decode_cursor(after)
    rows = await core_rows(session, _PAGES[with_text, after is not None], params)
    items = [_listed(row) for row in rows[:first]]
    end = encode_cursor(items[-1].id) if items else None
    return Page(items=items, has_next=len(rows) > first, end_cursor=end)


async def text_of(session: AsyncSession, snapshot_id: str) -> str:
    """The plain text of one snapshot."""
    text = await session.scalar(select(Snapshot.text).where(Snapshot.id == snapshot_id))
    return text or ""


async def headings_of(session: AsyncSession, snapshot_id: str) -> list[HeadingLine]:
    """Which lines of one snapshot's text are headings."""
    state = await session.scalar(select(Snapshot.state).where(Snapshot.id == snapshot_id))
    return await offload.run(state_heading_lines, state) if state else []


async def authors(session: AsyncSession, user_ids: set[str]) -> dict[str, User]:
    """The users with these ids, by id (one query)."""
    if not user_ids:
        return {}
    rows = await session.execute(select(User).where(User.id.in_(user_ids)))
    return {user.id: user for user in rows.scalars()}
