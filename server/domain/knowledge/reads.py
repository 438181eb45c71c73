"""Reading assets for someone in their audience: versions, the diff of two, and the counts the library
shows (cases started from an asset, subscribers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from server.domain.documents.text_diff import TextDiff, diff_texts
from server.domain.errors import NotFound
from server.domain.knowledge.access import require_visible
from server.models import KnowledgeAsset, KnowledgeAssetVersion, KnowledgeReuse, KnowledgeSubscription, User


@dataclass(frozen=True)
class Counts:
    reuses: int
    subscribers: int


async def versions(session: AsyncSession, asset_id: str) -> list[KnowledgeAssetVersion]:
    """An asset's versions, newest first (no text, no state)."""
    rows = await session.scalars(
        select(KnowledgeAssetVersion)
        .where(KnowledgeAssetVersion.asset_id == asset_id)
        .order_by(KnowledgeAssetVersion.version.desc())
    )
    return list(rows.all())


async def version(
    session: AsyncSession, asset_id: str, number: int, *, with_text: bool = True, with_state: bool = False
) -> KnowledgeAssetVersion:
    """One version of an asset the caller may see; NOT_FOUND when it has no such version."""
    query = select(KnowledgeAssetVersion).where(
        KnowledgeAssetVersion.asset_id == asset_id, KnowledgeAssetVersion.version == number
    )
    if with_text:
        query = query.options(
            undefer(KnowledgeAssetVersion.text), undefer(KnowledgeAssetVersion.masked_spans)
        )
    if with_state:
        query = query.options(undefer(KnowledgeAssetVersion.state))
    found = (await session.execute(query)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"This knowledge asset has no version {number}.")
    return found


@dataclass(frozen=True)
class VersionDiff:
    source: KnowledgeAssetVersion
    target: KnowledgeAssetVersion
    diff: TextDiff


async def diff(
    session: AsyncSession, user: User, asset_id: str, from_version: int, to_version: int | None
) -> VersionDiff:
    """What changed in the published text from one version to another (by default: to the newest)."""
    asset = await require_visible(session, user, asset_id)
    source = await version(session, asset.id, from_version)
    target = await version(session, asset.id, asset.version if to_version is None else to_version)
    return VersionDiff(source, target, diff_texts(source.text, target.text))


async def counts(session: AsyncSession, asset_ids: Sequence[str]) -> dict[str, Counts]:
    """How many cases started from each asset and how many people subscribe to it (two queries)."""
    wanted = list(dict.fromkeys(asset_ids))
    if not wanted:
        return {}
    reuses = dict(
        (
            await session.execute(
                select(KnowledgeReuse.asset_id, func.count())
                .where(KnowledgeReuse.asset_id.in_(wanted))
                .group_by(KnowledgeReuse.asset_id)
            )
        ).all()
    )
    subscribers = dict(
        (
            await session.execute(
                select(KnowledgeSubscription.asset_id, func.count())
                .where(KnowledgeSubscription.asset_id.in_(wanted))
                .group_by(KnowledgeSubscription.asset_id)
            )
        ).all()
    )
    return {i: Counts(int(reuses.get(i, 0)), int(subscribers.get(i, 0))) for i in wanted}


async def subscribed(session: AsyncSession, user: User, asset_ids: Sequence[str]) -> set[str]:
    """Which of `asset_ids` the user subscribes to."""
    if not asset_ids:
        return set()
    rows = await session.scalars(
        select(KnowledgeSubscription.asset_id).where(
            KnowledgeSubscription.user_id == user.id, KnowledgeSubscription.asset_id.in_(list(asset_ids))
        )
    )
    return set(rows.all())


async def authors(session: AsyncSession, asset_id: str) -> list[str]:
    """Everyone who published a version of the asset, first publisher first."""
    first = func.min(KnowledgeAssetVersion.version)
    rows = await session.execute(
        select(KnowledgeAssetVersion.published_by, first)
        .where(KnowledgeAssetVersion.asset_id == asset_id)
        .group_by(KnowledgeAssetVersion.published_by)
        .order_by(first)
    )
    return [str(user_id) for user_id, _ in rows.all()]


async def asset_of_case(session: AsyncSession, case_id: str) -> KnowledgeAsset | None:
    """The asset published from a case (no visibility check: for its members)."""
    return (
        await session.execute(select(KnowledgeAsset).where(KnowledgeAsset.case_id == case_id))
    ).scalar_one_or_none()


async def reused_from(session: AsyncSession, case_ids: Sequence[str]) -> dict[str, KnowledgeReuse]:
    """For each of `case_ids` started from an asset, where it came from."""
    if not case_ids:
        return {}
    rows = await session.scalars(select(KnowledgeReuse).where(KnowledgeReuse.case_id.in_(list(case_ids))))
    return {row.case_id: row for row in rows.all()}


async def version_number(session: AsyncSession, version_id: str) -> int:
    """The number of an asset version, by its id."""
    number = await session.scalar(
        select(KnowledgeAssetVersion.version).where(KnowledgeAssetVersion.id == version_id)
    )
    return int(number or 0)
