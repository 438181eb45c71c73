"""Publishing, subscribing to and reusing knowledge assets."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.mutations.cases import CreateCaseInput
from server.api.queries.knowledge import KnowledgeDraftInput
from server.api.types.cases import Case
from server.api.types.knowledge import AssetAudience, KnowledgeAsset, asset_views
from server.domain.knowledge import publishing, reuse, subscriptions
from server.domain.knowledge.embedder import embedder_of


@strawberry.input(description="A draft to publish, who finds it, and what changed since the last version.")
class PublishKnowledgeAssetInput(KnowledgeDraftInput):
    audience: AssetAudience = models.AssetAudience.TEAM  # type: ignore[valid-type]
    change_note: str = ""


@strawberry.type
class KnowledgeMutations:
    @strawberry.mutation(
        description="Publish a version of a case you own as a knowledge asset, redacted as the preview "
        "shows; publishing the same case again adds the next version and notifies every subscriber."
    )
    async def publish_knowledge_asset(self, info: Info, input: PublishKnowledgeAssetInput) -> KnowledgeAsset:
        user = await info.context.user()
        done = await publishing.publish(
            info.context.services.db,
            user,
            input.draft(),
            audience=models.AssetAudience(input.audience),
            change_note=input.change_note,
            embedder=embedder_of(info.context.settings),
        )
        return (await asset_views(info, [done.asset]))[0]

    @strawberry.mutation(description="Be notified of the asset's new versions (idempotent).")
    async def subscribe_to_knowledge_asset(self, info: Info, id: strawberry.ID) -> KnowledgeAsset:
        user = await info.context.user()
        async with info.context.command() as session:
            asset = await subscriptions.subscribe(session, user, str(id))
        return (await asset_views(info, [asset]))[0]

    @strawberry.mutation(description="Stop being notified of the asset's new versions (idempotent).")
    async def unsubscribe_from_knowledge_asset(self, info: Info, id: strawberry.ID) -> KnowledgeAsset:
        user = await info.context.user()
        async with info.context.command() as session:
            asset = await subscriptions.unsubscribe(session, user, str(id))
        return (await asset_views(info, [asset]))[0]

    @strawberry.mutation(
        description="Start a case of your team from the asset's newest version: its document is a new, "
        "editable copy of the asset's text (the asset never changes); you become its owner."
    )
    async def create_case_from_knowledge_asset(
        self, info: Info, asset_id: strawberry.ID, input: CreateCaseInput
    ) -> Case:
        user = await info.context.user()
        async with info.context.command() as session:
            case, _ = await reuse.create_case_from_asset(
                session, user, str(asset_id), title=input.title, customer=input.customer, region=input.region
            )
        return Case.of(case, models.CaseRole.OWNER)
