"""Versions of a case document, their differences and their events."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from server import models
from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.users import User
from server.domain.access.documents import masked_text
from server.domain.documents import text_diff
from server.domain.pagination import Page
from server.domain.snapshots import actions as snapshots
from server.domain.snapshots import events as snapshot_events
from server.domain.snapshots.diff import SnapshotDiff as DomainDiff

SnapshotKind = strawberry.enum(
    models.SnapshotKind,
    name="SnapshotKind",
    description="AUTO after activity, NAMED by a person, BEFORE_RESTORE kept when a version is restored.",
)


@strawberry.type(description="A line of a version's text that is a heading.")
class HeadingLine:
    line: int = strawberry.field(description="Its index among the text's lines, 0 for the first.")
    level: int = strawberry.field(description="1 for the largest heading.")


@strawberry.type(description="A version of a case document; it never changes once taken.")
class Snapshot:
    id: strawberry.ID
    kind: SnapshotKind  # type: ignore[valid-type]
    label: str | None = strawberry.field(description="The name a person gave it; null for automatic ones.")
    auto: bool = strawberry.field(description="Taken by the server rather than named by a person.")
    author: User | None = strawberry.field(
        description="Who named it, or whose restore it precedes; null for automatic ones."
    )
    created_at: datetime
    size: int = strawberry.field(description="Bytes of the stored document state.")
    restored_from_id: strawberry.ID | None = strawberry.field(
        description="For BEFORE_RESTORE: the version restored over this one."
    )
    loaded_text: strawberry.Private[str | None]
    # The customer a masking visibility policy hides from the reader, in the text too.
    masked_for: strawberry.Private[str | None] = None

    @strawberry.field(description="Plain text of this version, one line per paragraph or heading.")
    async def text(self, info: Info) -> str:
        if self.loaded_text is not None:
            text = self.loaded_text
        else:
            async with info.context.read() as session:
                text = await snapshots.text_of(session, str(self.id))
        return text if self.masked_for is None else masked_text(text, self.masked_for)

    @strawberry.field(description="Which lines of `text` are headings, so it can be shown with them.")
    async def headings(self, info: Info) -> list[HeadingLine]:
        async with info.context.read() as session:
            lines = await snapshots.headings_of(session, str(self.id))
        return [HeadingLine(line=heading.line, level=heading.level) for heading in lines]

    @classmethod
    def of(
        cls, snapshot: models.Snapshot, author: models.User | None, *, with_text: bool = False
    ) -> Snapshot:
        return cls(
            id=strawberry.ID(snapshot.id),
            kind=snapshot.kind,
            label=snapshot.label,
            auto=snapshot.kind is not models.SnapshotKind.NAMED,
            author=User.of(author) if author is not None else None,
            created_at=snapshot.created_at,
            size=snapshot.size,
            restored_from_id=strawberry.ID(snapshot.restored_from_id) if snapshot.restored_from_id else None,
            loaded_text=snapshot.text if with_text else None,
        )

    @classmethod
    def listed(cls, row: snapshots.Listed) -> Snapshot:
        author = row.author
        return cls(
            id=strawberry.ID(row.id),
            kind=row.kind,
            label=row.label,
            auto=row.kind is not models.SnapshotKind.NAMED,
            author=User(id=strawberry.ID(author.id), email=author.email, name=author.name, role=author.role)
            if author is not None
            else None,
            created_at=row.created_at,
            size=row.size,
            restored_from_id=strawberry.ID(row.restored_from_id) if row.restored_from_id else None,
            loaded_text=row.text,
        )


async def snapshot_types(
    session: AsyncSession, rows: Sequence[models.Snapshot], *, with_text: bool = False
) -> list[Snapshot]:
    """API objects for snapshot rows, their authors read in one query."""
    people = await snapshots.authors(session, {row.author_id for row in rows if row.author_id})
    return [
        Snapshot.of(row, people.get(row.author_id) if row.author_id else None, with_text=with_text)
        for row in rows
    ]


@strawberry.type
class SnapshotConnection:
    nodes: list[Snapshot]
    page_info: PageInfo

    @classmethod
    def of(cls, page: Page[snapshots.Listed], *, masked_for: str | None = None) -> SnapshotConnection:
        """`masked_for`: the customer whose name (and personal data) the reader sees masked in each text."""
        nodes = [Snapshot.listed(row) for row in page.items]
        if masked_for is not None:
            for node in nodes:
                node.masked_for = masked_for
        return cls(
            nodes=nodes,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )


DiffOp = strawberry.enum(text_diff.Op, name="DiffOp", description="How a piece of text differs.")
DiffChangeKind = strawberry.enum(
    text_diff.ChangeKind, name="DiffChangeKind", description="How a run of paragraphs differs."
)


@strawberry.type(description="A piece of text that is unchanged, inserted or deleted.")
class DiffSegment:
    op: DiffOp  # type: ignore[valid-type]
    text: str
    authors: list[User] = strawberry.field(
        description="Who inserted or deleted it, per the update log; empty for unchanged text."
    )


@strawberry.type(description="Paragraphs [fromStart, fromEnd) of the older text became [toStart, toEnd).")
class DiffChange:
    kind: DiffChangeKind  # type: ignore[valid-type]
    from_start: int
    from_end: int
    to_start: int
    to_end: int
    segments: list[DiffSegment] = strawberry.field(
        description="The changed paragraphs word by word; newlines separate paragraphs."
    )


@strawberry.type(description="What changed from one version to another (or to the live document).")
class SnapshotDiff:
    source: strawberry.Private[Snapshot]
    target: strawberry.Private[Snapshot | None]
    changes: list[DiffChange]
    inserted_words: int
    deleted_words: int
    authors: list[User] = strawberry.field(description="Everyone whose edits lie between the two versions.")
    credited: bool = strawberry.field(
        description="False when too many edits lie between the versions to credit each segment."
    )

    @strawberry.field(name="from")
    def from_(self) -> Snapshot:
        return self.source

    @strawberry.field(name="to", description="Null when compared with the live document.")
    def to(self) -> Snapshot | None:
        return self.target

    @classmethod
    async def of(cls, session: AsyncSession, result: DomainDiff) -> SnapshotDiff:
        mentioned = set(result.author_ids)
        for change in result.diff.changes:
            for segment in change.segments:
                mentioned |= segment.authors
        for row in (result.source, result.target):
            if row is not None and row.author_id:
                mentioned.add(row.author_id)
        found = await snapshots.authors(session, mentioned)
        people = {uid: User.of(user) for uid, user in found.items()}

        def users(ids: frozenset[str]) -> list[User]:
            return [people[uid] for uid in sorted(ids) if uid in people]

        def version(row: models.Snapshot) -> Snapshot:
            return Snapshot.of(row, found.get(row.author_id) if row.author_id else None)

        changes = [
            DiffChange(
                kind=change.kind,
                from_start=change.from_start,
                from_end=change.from_end,
                to_start=change.to_start,
                to_end=change.to_end,
                segments=[
                    DiffSegment(op=s.op, text=s.text, authors=users(s.authors)) for s in change.segments
                ],
            )
            for change in result.diff.changes
        ]
        return cls(
            source=version(result.source),
            target=version(result.target) if result.target is not None else None,
            changes=changes,
            inserted_words=result.diff.inserted_words,
            deleted_words=result.diff.deleted_words,
            authors=[people[uid] for uid in result.author_ids if uid in people],
            credited=result.credited,
        )


@strawberry.enum(description="What happened to a case's versions.")
class SnapshotEventKind(enum.Enum):
    CREATED = snapshot_events.CREATED
    RESTORED = snapshot_events.RESTORED


@strawberry.type(description="A version was taken (automatic, named or before a restore) or restored.")
class SnapshotEvent:
    kind: SnapshotEventKind
    snapshot: Snapshot = strawberry.field(description="The new version, or the one restored.")
    before: Snapshot | None = strawberry.field(description="For RESTORED: the version kept from before it.")
    actor: User | None = strawberry.field(description="Who named or restored; null for automatic versions.")
