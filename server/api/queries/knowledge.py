"""The knowledge library: previewing a publish, searching by words and by meaning, reading an asset and
the diff of two of its versions."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.knowledge import (
    KnowledgeAsset,
    KnowledgeAssetConnection,
    KnowledgeAssetDiff,
    KnowledgeAssetMatch,
    KnowledgeAssetPreview,
    MaskedSpan,
    asset_views,
    matches,
)
from server.domain.knowledge import access, publishing, reads, search
from server.domain.knowledge.embedder import embedder_of


@strawberry.input(description="What to publish: a version (snapshot) of a case you own, named and tagged.")
class KnowledgeDraftInput:
    case_id: strawberry.ID
    snapshot_id: strawberry.ID
    title: str
    summary: str = ""
    tags: list[str] = strawberry.field(default_factory=list)

    def draft(self) -> publishing.Draft:
        return publishing.Draft(
            case_id=str(self.case_id),
            snapshot_id=str(self.snapshot_id),
            title=self.title,
            summary=self.summary,
            tags=list(self.tags),
        )


@strawberry.type
class KnowledgeQueries:
    @strawberry.field(
        description="Exactly what publishing this draft would publish, with the masked spans marked "
        "(case owners only); nothing is written."
    )
    async def preview_knowledge_asset(self, info: Info, input: KnowledgeDraftInput) -> KnowledgeAssetPreview:
        user = await info.context.user()
        async with info.context.read() as session:
            shown = await publishing.preview(session, user, input.draft())
        return KnowledgeAssetPreview(
            title=shown.title,
            title_spans=[MaskedSpan.of(s) for s in shown.title_spans],
            summary=shown.summary,
            summary_spans=[MaskedSpan.of(s) for s in shown.summary_spans],
            tags=list(shown.tags),
            text=shown.text,
            text_spans=[MaskedSpan.of(s) for s in shown.text_spans],
        )

    @strawberry.field(
        description="Assets in your audience holding every word of `query` (Chinese or English, any part "
        "of a word: 故障处置 finds 手术室紧急故障处置SOP) and every one of `tags`, newest first."
    )
    async def knowledge_assets(
        self,
        info: Info,
        query: str | None = None,
        tags: list[str] | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> KnowledgeAssetConnection:
        user = await info.context.user()
        async with info.context.read() as session:
            page = await search.search(session, user, query=query, tags=tags or [], first=first, after=after)
        return KnowledgeAssetConnection(
            nodes=await asset_views(info, page.items),
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )

    @strawberry.field(
        description='Assets in your audience closest in meaning to `text` ("find playbooks for this '
        'problem"), closest first, by the pain-point embedding model.'
    )
    async def similar_knowledge_assets(
        self, info: Info, text: str, first: int = 10
    ) -> list[KnowledgeAssetMatch]:
        user = await info.context.user()
        async with info.context.read() as session:
            found = await search.similar(
                session, user, embedder_of(info.context.settings), [text], first=first
            )
        return await matches(info, found)

    @strawberry.field(description="One asset in your audience; NOT_FOUND otherwise.")
    async def knowledge_asset(self, info: Info, id: strawberry.ID) -> KnowledgeAsset:
        user = await info.context.user()
        async with info.context.read() as session:
            asset = await access.require_visible(session, user, str(id))
        return (await asset_views(info, [asset]))[0]

    @strawberry.field(
        description="What changed in an asset's published text from one version to another (by default to "
        "the newest)."
    )
    async def knowledge_asset_diff(
        self, info: Info, asset_id: strawberry.ID, from_version: int, to_version: int | None = None
    ) -> KnowledgeAssetDiff:
        user = await info.context.user()
        async with info.context.read() as session:
            found = await reads.diff(session, user, str(asset_id), from_version, to_version)
        return await KnowledgeAssetDiff.of(info, found)
