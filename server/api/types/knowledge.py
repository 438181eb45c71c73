"""Knowledge assets: published, redacted case versions that other teams find, subscribe to and start from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import strawberry

from server import models
from server.api.context import Info
from server.api.types.cases import Case
from server.api.types.common import PageInfo
from server.api.types.snapshots import DiffChange, DiffSegment
from server.api.types.users import User
from server.domain.cases import actions as case_actions
from server.domain.knowledge import reads
from server.domain.knowledge.access import visible_by_ids
from server.domain.knowledge.reads import VersionDiff
from server.domain.knowledge.search import Similar
from server.domain.materials.redaction import MaskedSpan as DomainSpan
from server.domain.snapshots import actions as snapshots

AssetAudience = strawberry.enum(
    models.AssetAudience,
    name="AssetAudience",
    description="Who finds an asset: TEAM, the publishing team; ORGANIZATION, every team of the deployment.",
)


@strawberry.type(description="One masked piece of a published text: [start, end) in that text.")
class MaskedSpan:
    kind: str = strawberry.field(
        description="customer, phone, email, id_number, bank_card, passport or address."
    )
    start: int
    end: int

    @classmethod
    def of(cls, span: DomainSpan) -> MaskedSpan:
        return cls(kind=span.kind, start=span.start, end=span.end)


@strawberry.type(description="One published version of an asset (read-only, redacted).")
class KnowledgeAssetVersion:
    id: strawberry.ID
    version: int
    title: str
    summary: str
    tags: list[str]
    change_note: str
    published_at: datetime
    published_by: User | None
    asset_id: strawberry.Private[str]

    @classmethod
    def of(cls, row: models.KnowledgeAssetVersion, publisher: models.User | None) -> KnowledgeAssetVersion:
        return cls(
            id=strawberry.ID(row.id),
            version=row.version,
            title=row.title,
            summary=row.summary,
            tags=list(row.tags),
            change_note=row.change_note,
            published_at=row.published_at,
            published_by=User.of(publisher) if publisher is not None else None,
            asset_id=row.asset_id,
        )

    @strawberry.field(description="The published text, one line per paragraph, with its masks.")
    async def text(self, info: Info) -> str:
        async with info.context.read() as session:
            return (await reads.version(session, self.asset_id, self.version)).text

    @strawberry.field(description="Where the masks lie in `text`.")
    async def masked_spans(self, info: Info) -> list[MaskedSpan]:
        async with info.context.read() as session:
            row = await reads.version(session, self.asset_id, self.version)
        return [MaskedSpan(kind=s["kind"], start=s["start"], end=s["end"]) for s in row.masked_spans]


async def version_views(
    info: Info, rows: Sequence[models.KnowledgeAssetVersion]
) -> list[KnowledgeAssetVersion]:
    async with info.context.read() as session:
        people = await snapshots.authors(session, {row.published_by for row in rows})
    return [KnowledgeAssetVersion.of(row, people.get(row.published_by)) for row in rows]


@strawberry.type(
    description="A case's knowledge, published read-only with its customer and personal data masked."
)
class KnowledgeAsset:
    id: strawberry.ID
    title: str
    summary: str
    tags: list[str]
    audience: AssetAudience  # type: ignore[valid-type]
    version: int = strawberry.field(description="The newest version's number (1, 2, …).")
    created_at: datetime
    updated_at: datetime
    reuse_count: int = strawberry.field(description="How many cases started from this asset.")
    subscriber_count: int
    subscribed: bool = strawberry.field(description="Whether you subscribe to it.")
    case_id: strawberry.Private[str]

    @strawberry.field(description="Its versions, newest first.")
    async def versions(self, info: Info) -> list[KnowledgeAssetVersion]:
        async with info.context.read() as session:
            rows = await reads.versions(session, str(self.id))
        return await version_views(info, rows)

    @strawberry.field(description="One version (by default the newest).")
    async def published(self, info: Info, version: int | None = None) -> KnowledgeAssetVersion:
        async with info.context.read() as session:
            row = await reads.version(session, str(self.id), self.version if version is None else version)
        return (await version_views(info, [row]))[0]

    @strawberry.field(
        description="The case it was published from, when you may open that case (a membership or a "
        "visibility policy); null otherwise."
    )
    async def source_case(self, info: Info) -> Case | None:
        user = await info.context.user()
        async with info.context.read() as session:
            member = await case_actions.case_role(session, self.case_id, user)
            if member is None:
                return None
            found = await case_actions.by_ids(session, [self.case_id])
        return Case.of(found[self.case_id], member.role) if self.case_id in found else None


async def asset_views(info: Info, rows: Sequence[models.KnowledgeAsset]) -> list[KnowledgeAsset]:
    """The GraphQL view of assets the caller may see, counts included, in three queries."""
    if not rows:
        return []
    user = await info.context.user()
    ids = [row.id for row in rows]
    async with info.context.read() as session:
        counts = await reads.counts(session, ids)
        mine = await reads.subscribed(session, user, ids)
    return [
        KnowledgeAsset(
            id=strawberry.ID(row.id),
            title=row.title,
            summary=row.summary,
            tags=list(row.tags),
            audience=row.audience,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
            reuse_count=counts[row.id].reuses,
            subscriber_count=counts[row.id].subscribers,
            subscribed=row.id in mine,
            case_id=row.case_id,
        )
        for row in rows
    ]


@strawberry.type
class KnowledgeAssetConnection:
    nodes: list[KnowledgeAsset]
    page_info: PageInfo


@strawberry.type(description="An asset close in meaning to what you looked for.")
class KnowledgeAssetMatch:
    asset: KnowledgeAsset
    score: float = strawberry.field(description="Cosine similarity to the query, -1 to 1 (higher: closer).")


@strawberry.type(
    description="Exactly what publishing would publish: every field masked, and where the masks lie in each."
)
class KnowledgeAssetPreview:
    title: str
    title_spans: list[MaskedSpan]
    summary: str
    summary_spans: list[MaskedSpan]
    tags: list[str]
    text: str
    text_spans: list[MaskedSpan]


@strawberry.type(description="What changed in the published text from one version to another.")
class KnowledgeAssetDiff:
    source: strawberry.Private[KnowledgeAssetVersion]
    target: strawberry.Private[KnowledgeAssetVersion]
    changes: list[DiffChange]
    inserted_words: int
    deleted_words: int

    @strawberry.field(name="from")
    def from_(self) -> KnowledgeAssetVersion:
        return self.source

    @strawberry.field(name="to")
    def to(self) -> KnowledgeAssetVersion:
        return self.target

    @classmethod
    async def of(cls, info: Info, found: VersionDiff) -> KnowledgeAssetDiff:
        source, target = await version_views(info, [found.source, found.target])
        changes = [
            DiffChange(
                kind=change.kind,
                from_start=change.from_start,
                from_end=change.from_end,
                to_start=change.to_start,
                to_end=change.to_end,
                segments=[DiffSegment(op=s.op, text=s.text, authors=[]) for s in change.segments],
            )
            for change in found.diff.changes
        ]
        return cls(
            source=source,
            target=target,
            changes=changes,
            inserted_words=found.diff.inserted_words,
            deleted_words=found.diff.deleted_words,
        )


@strawberry.type(description="The asset version a case was started from.")
class KnowledgeOrigin:
    version: int
    started_at: datetime
    asset_id: strawberry.Private[str]

    @strawberry.field(description="The asset, while you are in its audience; null otherwise.")
    async def asset(self, info: Info) -> KnowledgeAsset | None:
        user = await info.context.user()
        async with info.context.read() as session:
            found = await visible_by_ids(session, user, [self.asset_id])
        return (await asset_views(info, list(found.values())))[0] if found else None


async def matches(info: Info, found: Sequence[Similar]) -> list[KnowledgeAssetMatch]:
    views = await asset_views(info, [item.asset for item in found])
    return [
        KnowledgeAssetMatch(asset=view, score=item.score) for view, item in zip(views, found, strict=True)
    ]
