"""Subscribing to an asset: a new version then notifies you. A first subscription earns the asset's
authors ASSET_SUBSCRIBED points (not when you are one of them; subscribing again earns nothing more)."""

from __future__ import annotations

from typing import Final

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.knowledge import reads
from server.domain.knowledge.access import require_visible
from server.domain.points import awards
from server.models import KnowledgeAsset, KnowledgeSubscription, User

SUBSCRIBED: Final = "knowledge.subscribed"
"""The audit action of a subscription (the contribution heatmap reads subscriptions from it)."""


async def subscribe(session: AsyncSession, user: User, asset_id: str) -> KnowledgeAsset:
    """Subscribe the caller to an asset in their audience (idempotent)."""
    asset = await require_visible(session, user, asset_id)
    if await session.get(KnowledgeSubscription, (asset.id, user.id)) is not None:
        return asset
    try:
        async with session.begin_nested():
            session.add(KnowledgeSubscription(asset_id=asset.id, user_id=user.id))
    except IntegrityError:
        return asset  # the same person subscribed a moment ago (another tab): once is enough
    for author in await reads.authors(session, asset.id):
        awards.queue_award(session, awards.asset_subscribed(asset.id, author, user.id))
    await audit.record(
        session, actor_id=user.id, action=SUBSCRIBED, subject=asset.id, data={"user_id": user.id}
    )
    return asset


async def unsubscribe(session: AsyncSession, user: User, asset_id: str) -> KnowledgeAsset:
    """End the caller's subscription (idempotent); points already earned stay."""
    asset = await require_visible(session, user, asset_id)
    await session.execute(
        delete(KnowledgeSubscription).where(
            KnowledgeSubscription.asset_id == asset.id, KnowledgeSubscription.user_id == user.id
        )
    )
    return asset
