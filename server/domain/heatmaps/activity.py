"""Where the contributions of a heatmap come from: one provider per kind of activity.

A provider answers "what did people do in these cases between `start` and `end`" with
`ActivityEvent`s (user, time, kind, amount). It may sum a day's events into one (the heatmap counts
per UTC day at its finest), and it must only return events in [start, end). Providers run when a
heatmap is asked for: each is one indexed, grouped query, cheap enough to stay always current.

Document editing is read from what the heatmap job stored (`heatmap_edit_days`). The other kinds live
in tables of their own features; each feature adds its provider to `PROVIDERS`:

| kind | counts | credited to | time |
| --- | --- | --- | --- |
| COMMENTS | comments and replies written (not edits, not deleted ones) | the author | created_at |
| SNAPSHOTS | named snapshots (not the automatic ones) | who named it | created_at |
| PAIN_POINTS | pain points accepted by the quality gate | the author | created_at |
| ADOPTIONS | pain points adopted by R&D | the pain point's author | adopted_at |
| ASSET_REUSES | people starting a case from the case's asset | its authors, not the reuser | first reuse |
| ASSET_SUBSCRIPTIONS | people subscribing to its asset | its authors, not the subscriber | first one |
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, TypeAlias

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.knowledge.subscriptions import SUBSCRIBED
from server.heatmaps import Activity, ActivityEvent
from server.models import (
    AuditEvent,
    Comment,
    HeatmapEditDay,
    KnowledgeAsset,
    KnowledgeAssetVersion,
    KnowledgeReuse,
    PainPoint,
    PainPointStatus,
    Snapshot,
    SnapshotKind,
)


@dataclass(frozen=True, slots=True)
class ActivityScope:
    """The cases whose activity a heatmap shows: one case, or the cases of a team the viewer may see."""

    case_ids: tuple[str, ...]
    since: tuple[tuple[str, datetime], ...] = ()
    """Cases of `case_ids` whose activity counts only from a moment on (a visibility policy's maxAgeDays
    reaches them, nothing else does): (case id, moment). Providers never see it: `activity` asks them
    for those cases over the shorter period."""


ActivityProvider: TypeAlias = Callable[
    [AsyncSession, ActivityScope, datetime, datetime], Awaitable[Sequence[ActivityEvent]]
]
"""`async def provider(session, scope, start, end) -> [ActivityEvent, ...]` for [start, end), UTC."""


async def document_edits(
    session: AsyncSession, scope: ActivityScope, start: datetime, end: datetime
) -> list[ActivityEvent]:
    """Characters inserted and deleted per author and UTC day, as the heatmap job counted them."""
    if not scope.case_ids:
        return []
    first, last = _days(start, end)
    rows = await session.execute(
        select(
            HeatmapEditDay.user_id,
            HeatmapEditDay.day,
            func.sum(HeatmapEditDay.chars_inserted),
            func.sum(HeatmapEditDay.chars_deleted),
        )
        .where(
            HeatmapEditDay.case_id.in_(scope.case_ids),
            HeatmapEditDay.day >= first,
            HeatmapEditDay.day < last,
        )
        .group_by(HeatmapEditDay.user_id, HeatmapEditDay.day)
    )
    events: list[ActivityEvent] = []
    for user_id, day, inserted, deleted in rows.all():
        at = datetime.combine(day, time(), UTC)
        if inserted:
            events.append(ActivityEvent(user_id, at, Activity.DOC_CHARS_INSERTED, int(inserted)))
        if deleted:
            events.append(ActivityEvent(user_id, at, Activity.DOC_CHARS_DELETED, int(deleted)))
    return events


async def comments(
    session: AsyncSession, scope: ActivityScope, start: datetime, end: datetime
) -> list[ActivityEvent]:
    """Comments and replies written, per author and UTC day (deleted ones do not count)."""
    if not scope.case_ids:
        return []
    rows = await session.execute(
        select(Comment.author_id, Comment.created_at).where(
            Comment.case_id.in_(scope.case_ids),
            Comment.deleted_at.is_(None),
            Comment.created_at >= start,
            Comment.created_at < end,
        )
    )
    return _per_day([(author, at) for author, at in rows.all()], Activity.COMMENTS)


async def named_snapshots(
    session: AsyncSession, scope: ActivityScope, start: datetime, end: datetime
) -> list[ActivityEvent]:
    """Versions people named, per person and UTC day (automatic and before-restore ones do not count)."""
    if not scope.case_ids:
        return []
    rows = await session.execute(
        select(Snapshot.author_id, Snapshot.created_at).where(
            Snapshot.case_id.in_(scope.case_ids),
            Snapshot.kind == SnapshotKind.NAMED,
            Snapshot.created_at >= start,
            Snapshot.created_at < end,
        )
    )
    return _per_day([(author, at) for author, at in rows.all() if author is not None], Activity.SNAPSHOTS)


async def pain_points(
    session: AsyncSession, scope: ActivityScope, start: datetime, end: datetime
) -> list[ActivityEvent]:
    """Pain points accepted by the quality gate (duplicates and withdrawn ones do not count)."""
    if not scope.case_ids:
        return []
    rows = await session.execute(
        select(PainPoint.author_id, PainPoint.created_at).where(
            PainPoint.case_id.in_(scope.case_ids),
            PainPoint.status.in_((PainPointStatus.SUBMITTED, PainPointStatus.ADOPTED)),
            PainPoint.created_at >= start,
            PainPoint.created_at < end,
        )
    )
    return _per_day([(author, at) for author, at in rows.all()], Activity.PAIN_POINTS)


async def adoptions(
    session: AsyncSession, scope: ActivityScope, start: datetime, end: datetime
) -> list[ActivityEvent]:
    """Pain points R&D adopted, credited to their authors on the day of adoption."""
    if not scope.case_ids:
        return []
    rows = await session.execute(
        select(PainPoint.author_id, PainPoint.adopted_at).where(
            PainPoint.case_id.in_(scope.case_ids),
            PainPoint.status == PainPointStatus.ADOPTED,
            PainPoint.adopted_at >= start,
            PainPoint.adopted_at < end,
        )
    )
    return _per_day([(author, at) for author, at in rows.all() if at is not None], Activity.ADOPTIONS)


async def asset_credit(
    session: AsyncSession, scope: ActivityScope, start: datetime, end: datetime
) -> list[ActivityEvent]:
    """Cases started from the knowledge asset published from a case of the scope, and subscriptions to it,
    credited to the asset's authors on the day they happened, the way ASSET_REUSED and ASSET_SUBSCRIBED
    points are: once per person who reuses or subscribes (their first time; a second case, or subscribing
    again after unsubscribing, adds nothing), to every person who had published a version of the asset by
    then, never to the reuser or subscriber themself.

    Reuses come from `knowledge_reuses`; subscriptions from the audit trail, which keeps a subscription
    that has ended (the points earned by it stay, and so does its credit here)."""
    if not scope.case_ids:
        return []
    assets = list(
        await session.scalars(select(KnowledgeAsset.id).where(KnowledgeAsset.case_id.in_(scope.case_ids)))
    )
    if not assets:
        return []
    first_reuse = func.min(KnowledgeReuse.created_at)
    reuses = await session.execute(
        select(KnowledgeReuse.asset_id, KnowledgeReuse.user_id, first_reuse)
        .where(KnowledgeReuse.asset_id.in_(assets), KnowledgeReuse.created_at < end)
        .group_by(KnowledgeReuse.asset_id, KnowledgeReuse.user_id)
        .having(first_reuse >= start)
    )
    first_subscription = func.min(AuditEvent.at)
    subscriptions = await session.execute(
        select(AuditEvent.subject, AuditEvent.actor_id, first_subscription)
        .where(AuditEvent.action == SUBSCRIBED, AuditEvent.subject.in_(assets), AuditEvent.at < end)
        .group_by(AuditEvent.subject, AuditEvent.actor_id)
        .having(first_subscription >= start)
    )
    done = [(Activity.ASSET_REUSES, asset, actor, at) for asset, actor, at in reuses.all()]
    done += [
        (Activity.ASSET_SUBSCRIPTIONS, asset, actor, at)
        for asset, actor, at in subscriptions.all()
        if actor is not None
    ]
    if not done:
        return []
    publishers: dict[str, list[tuple[str, datetime]]] = {}
    for asset_id, author, at in await session.execute(
        select(
            KnowledgeAssetVersion.asset_id,
            KnowledgeAssetVersion.published_by,
            KnowledgeAssetVersion.published_at,
        ).where(KnowledgeAssetVersion.asset_id.in_(assets))
    ):
        publishers.setdefault(asset_id, []).append((author, at))
    credited: dict[Activity, list[tuple[str, datetime]]] = {}
    for kind, asset_id, actor, at in done:
        authors = {
            author for author, since in publishers.get(asset_id, ()) if since <= at and author != actor
        }
        credited.setdefault(kind, []).extend((author, at) for author in sorted(authors))
    return [event for kind, rows in credited.items() for event in _per_day(rows, kind)]


def _per_day(rows: Sequence[tuple[str, datetime]], kind: Activity) -> list[ActivityEvent]:
    """One event per person and UTC day, its amount the number of rows."""
    days: dict[tuple[str, date], int] = {}
    for user_id, at in rows:
        key = (user_id, at.astimezone(UTC).date())
        days[key] = days.get(key, 0) + 1
    return [
        ActivityEvent(user_id, datetime.combine(day, time(), UTC), kind, amount)
        for (user_id, day), amount in days.items()
    ]


def _days(start: datetime, end: datetime) -> tuple[date, date]:
    # Stored per whole UTC day: the days that begin inside [start, end). Heatmaps ask for whole days.
    first = start.astimezone(UTC)
    day = first.date() if first.time() == time() else first.date() + timedelta(days=1)
    return day, (end.astimezone(UTC) - timedelta(microseconds=1)).date() + timedelta(days=1)


PROVIDERS: Final[tuple[ActivityProvider, ...]] = (
    document_edits,
    comments,
    named_snapshots,
    pain_points,
    adoptions,
    asset_credit,
)
"""Every source of contributions. Comments, snapshots, pain points and adoptions add theirs here."""


async def activity(
    session: AsyncSession,
    scope: ActivityScope,
    start: datetime,
    end: datetime,
    providers: Sequence[ActivityProvider] = PROVIDERS,
) -> list[ActivityEvent]:
    """Every contribution in the scope during [start, end), from every provider; for the cases of
    `scope.since`, only from their moment on."""
    limited: dict[datetime, list[str]] = {}
    for case_id, moment in scope.since:
        limited.setdefault(moment, []).append(case_id)
    cut = {case_id for ids in limited.values() for case_id in ids}
    passes = [(ActivityScope(tuple(c for c in scope.case_ids if c not in cut)), start)]
    passes += [(ActivityScope(tuple(ids)), max(start, moment)) for moment, ids in sorted(limited.items())]
    events: list[ActivityEvent] = []
    for part, begin in passes:
        if not part.case_ids or begin >= end:
            continue
        for provider in providers:
            # One session: providers run one after the other (an AsyncSession is not for concurrent use).
            events.extend(await provider(session, part, begin, end))
    return events
