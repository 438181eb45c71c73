"""Who sees an asset: TEAM assets their team, ORGANIZATION assets every team of the deployment. Anyone else
is told it does not exist (NOT_FOUND), the same answer as for a missing id."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import NotFound
from server.infra.ids import is_id
from server.models import AssetAudience, KnowledgeAsset, User


def not_found(asset_id: str) -> NotFound:
    return NotFound(f"No knowledge asset with id {asset_id} is visible to you.")


def visible(user: User) -> ColumnElement[bool]:
    """The assets `user` may see (a person in no team sees none)."""
    if user.team_id is None:
        return false()
    return or_(KnowledgeAsset.audience == AssetAudience.ORGANIZATION, KnowledgeAsset.team_id == user.team_id)


def may_see(asset: KnowledgeAsset, user: User) -> bool:
    return user.team_id is not None and (
        asset.audience is AssetAudience.ORGANIZATION or asset.team_id == user.team_id
    )


async def require_visible(
    session: AsyncSession, user: User, asset_id: str, *, for_update: bool = False
) -> KnowledgeAsset:
    """The asset, when `user` is in its audience; NOT_FOUND otherwise."""
    if not is_id(asset_id):
        raise not_found(asset_id)
    query = select(KnowledgeAsset).where(KnowledgeAsset.id == asset_id, visible(user))
    if for_update:
        query = query.with_for_update()
    asset = (await session.execute(query)).scalar_one_or_none()
    if asset is None:
        raise not_found(asset_id)
    return asset


async def visible_by_ids(
    session: AsyncSession, user: User, asset_ids: list[str]
) -> dict[str, KnowledgeAsset]:
    """Those of `asset_ids` the user may see, by id."""
    wanted = [asset_id for asset_id in dict.fromkeys(asset_ids) if is_id(asset_id)]
    if not wanted:
        return {}
    rows = await session.execute(select(KnowledgeAsset).where(KnowledgeAsset.id.in_(wanted), visible(user)))
    return {asset.id: asset for asset in rows.scalars()}
