"""Clusters as one person sees them: a team's run, narrowed to the pain points they may see and to a filter.

Size, trend, cases, customers, representatives and member lists are counted over the visible, filtered
pain points only. Labels and keywords are the run's (computed over the whole team) for R&D; for anyone who
sees only part of a cluster they are computed again from that part, so no word of another case's pain points
reaches them.
"""

from __future__ import annotations

import asyncio
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.clustering import Keyword, WeekCount, class_keywords, label_from_keywords, weekly_counts
from server.domain.access.masking import mask_customer_in, mask_name, names_customer
from server.domain.clusters.placement import current_run
from server.domain.clusters.seen import Seen, read_page
from server.domain.errors import BadInput, NotFound
from server.domain.pagination import check_first, decode_cursor, encode_cursor
from server.domain.painpoints.access import COUNTED, Sight, sight, visible
from server.infra.ids import is_id
from server.models import AccessView, Cluster, ClusterMembership, ClusterRun, PainPoint, PainPointStatus, User

REPRESENTATIVES = 5
KEYWORDS = 10
# Texts read per cluster to describe a partial view (the run reads the same number, see ClusteringParams).
KEYWORD_SAMPLE = 300

_T = TypeVar("_T")


@dataclass(frozen=True)
class ClusterFilter:
    """Narrows clusters to pain points created in [since, until), of a product or customer."""

    since: datetime | None = None
    until: datetime | None = None
    product: str | None = None
    customer: str | None = None
    min_size: int = 1
    run_id: str | None = None


@dataclass(frozen=True)
class ClusterView:
    """One cluster as the viewer sees it."""

    run_id: str
    cluster_id: str
    label: str
    keywords: list[Keyword]
    size: int
    trend: list[WeekCount]
    case_count: int
    customers: list[str]
    representatives: list[PainPoint] = field(default_factory=list)
    # the representatives whose customer the viewer sees masked (a visibility policy)
    masked: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ClusterPage:
    nodes: list[ClusterView]
    has_next: bool
    end_cursor: str | None


async def resolve_run(session: AsyncSession, user: User, run_id: str | None) -> ClusterRun | None:
    """The run to show: the given one (of the viewer's team, else NOT_FOUND) or the team's current one."""
    if run_id is None:
        return await current_run(session, user.team_id)
    run = await session.get(ClusterRun, run_id) if is_id(run_id) else None
    if run is None or run.team_id != user.team_id:
        raise NotFound(f"No clustering run with id {run_id} is visible to you.")
    return run


async def _sight(session: AsyncSession, user: User) -> Sight:
    return await sight(session, user, AccessView.CLUSTERS)


def _conditions(seen: Sight, flt: ClusterFilter) -> list[ColumnElement[bool]]:
    conditions = [visible(seen), COUNTED]
    if flt.since is not None:
        conditions.append(PainPoint.created_at >= flt.since)
    if flt.until is not None:
        conditions.append(PainPoint.created_at < flt.until)
    if flt.product:
        conditions.append(func.lower(PainPoint.product) == flt.product.strip().lower())
    if flt.customer:
        conditions.append(func.lower(PainPoint.customer) == flt.customer.strip().lower())
    return conditions


def _closeness(row: Seen) -> tuple[float, str]:
    return (-row.similarity, row.pain_point_id)


async def clusters(
    session: AsyncSession,
    user: User,
    run: ClusterRun,
    flt: ClusterFilter,
    *,
    first: int,
    after: str | None,
    only: Sequence[str] | None = None,
) -> ClusterPage:
    """The run's clusters with at least `flt.min_size` visible pain points, largest first."""
    first = check_first(first)
    offset = _offset(after)
    seen = await _sight(session, user)
    read = await read_page(
        session,
        seen,
        run.id,
        and_(*_conditions(seen, flt)[1:]),
        min_size=flt.min_size,
        offset=offset,
        first=first,
        only=only,
        totals=not seen.team_wide,
    )
    page = read.clusters
    has_next = read.qualifying > offset + first
    end = encode_cursor(f"o:{offset + len(page)}") if page else None
    if not page:
        return ClusterPage([], has_next, end)

    stored = {
        row.cluster_id: row
        for row in (
            await session.execute(
                select(Cluster).where(Cluster.run_id == run.id, Cluster.cluster_id.in_(page))
            )
        ).scalars()
    }
    ranked = {c: sorted(read.members[c], key=_closeness) for c in page}
    representatives = await _representatives(session, ranked, texts=not seen.team_wide)
    masked = frozenset(
        r.pain_point_id for members in ranked.values() for r in members if r.counted and not r.clear
    ) & frozenset(p.id for chosen in representatives.values() for p in chosen)
    described = await _descriptions(seen, ranked, read.totals, stored)
    nodes = []
    for cluster_id in page:
        counted = [r for r in read.members[cluster_id] if r.counted]
        shown = {(r.customer, r.clear) for r in counted}
        # Every visible member counts here: a partial view's keywords are made from uncounted ones too.
        masked_names = {r.customer for r in read.members[cluster_id] if not r.clear}
        label, keywords = _without_names(*described[cluster_id], masked_names)
        nodes.append(
            ClusterView(
                run_id=run.id,
                cluster_id=cluster_id,
                label=label,
                keywords=keywords,
                size=read.sizes[cluster_id],
                trend=weekly_counts([r.created_at for r in counted], since=flt.since, until=flt.until),
                case_count=len({r.case_id for r in counted}),
                customers=sorted({name if clear else mask_name(name) for name, clear in shown}),
                representatives=representatives.get(cluster_id, []),
                masked=masked,
            )
        )
    return ClusterPage(nodes, has_next, end)


def _offset(after: str | None) -> int:
    if after is None:
        return 0
    mark = decode_cursor(after)
    try:
        kind, _, value = mark.partition(":")
        offset = int(value)
    except (ValueError, binascii.Error):
        offset = -1
    if kind != "o" or offset < 0:
        raise BadInput("The page cursor is not valid; start again without `after`.")
    return offset


async def _representatives(
    session: AsyncSession, ranked: dict[str, list[Seen]], *, texts: bool
) -> dict[str, list[PainPoint]]:
    """Up to REPRESENTATIVES counted members per cluster, closest to the centroid first, repeats skipped
    (among the REPRESENTATIVES * 3 closest). With the members' texts at hand only the chosen are loaded."""
    closest = {c: [r for r in members if r.counted][: REPRESENTATIVES * 3] for c, members in ranked.items()}
    if texts:
        chosen_ids = {c: _distinct(rows, lambda r: r.text) for c, rows in closest.items()}
        wanted = [r.pain_point_id for rows in chosen_ids.values() for r in rows]
    else:
        wanted = [r.pain_point_id for rows in closest.values() for r in rows]
    loaded = (
        {
            p.id: p
            for p in (await session.execute(select(PainPoint).where(PainPoint.id.in_(wanted)))).scalars()
        }
        if wanted
        else {}
    )
    result: dict[str, list[PainPoint]] = {}
    for cluster_id, rows in (chosen_ids if texts else closest).items():
        found = [loaded[r.pain_point_id] for r in rows if r.pain_point_id in loaded]
        result[cluster_id] = _distinct(found, lambda p: p.normalized_text)
    return result


def _distinct(items: Sequence[_T], text: Callable[[_T], str]) -> list[_T]:
    """The first REPRESENTATIVES of `items` whose texts differ (ignoring case), in order."""
    chosen: list[_T] = []
    texts: set[str] = set()
    for item in items:
        key = text(item).casefold()
        if len(chosen) < REPRESENTATIVES and key not in texts:
            chosen.append(item)
            texts.add(key)
    return chosen


async def _descriptions(
    seen: Sight,
    ranked: dict[str, list[Seen]],
    totals: dict[str, int],
    stored: dict[str, Cluster],
) -> dict[str, tuple[str, list[Keyword]]]:
    """Label and keywords per cluster: the run's, unless the viewer sees only part of the cluster (then
    from the KEYWORD_SAMPLE visible members closest to its centroid)."""
    result = {
        cluster_id: (row.label, [Keyword(k["term"], float(k["score"])) for k in row.keywords])
        for cluster_id, row in stored.items()
    }
    if seen.team_wide:
        return result
    partial = [c for c, members in ranked.items() if len(members) < totals.get(c, 0)]
    if not partial:
        return result
    numbers = {cluster_id: n for n, cluster_id in enumerate(partial)}
    sample = [(c, r.text) for c in partial for r in ranked[c][:KEYWORD_SAMPLE]]
    texts = tuple(text for _, text in sample)
    labels = tuple(numbers[cluster_id] for cluster_id, _ in sample)
    computed = await asyncio.to_thread(_keywords, texts, labels)
    for cluster_id, number in numbers.items():
        words = list(computed.get(number, ()))
        result[cluster_id] = (label_from_keywords(words), words)
    return result


def _without_names(label: str, keywords: list[Keyword], masked: set[str]) -> tuple[str, list[Keyword]]:
    """A cluster's description for a viewer who sees the `masked` customers masked: a keyword that names one
    (or a piece of its name) is masked like the name; a label made from the keywords is made again from
    them, and any other label (R&D's rename) has the names in it masked."""
    if not masked:
        return label, keywords
    if any(names_customer(k.term, masked) for k in keywords):
        shown = [
            Keyword(mask_name(k.term), k.score) if names_customer(k.term, masked) else k for k in keywords
        ]
        if label == label_from_keywords(keywords):
            return label_from_keywords(shown), shown
        keywords = shown
    for customer in sorted(masked):
        label = mask_customer_in(label, customer)
    return label, keywords


@lru_cache(maxsize=256)
def _keywords(texts: tuple[str, ...], labels: tuple[int, ...]) -> dict[int, tuple[Keyword, ...]]:
    # jieba is not free: the same partial view asked again (paging, polling) is answered from here.
    return {n: tuple(words) for n, words in class_keywords(texts, labels, top_n=KEYWORDS).items()}


async def cluster_members(
    session: AsyncSession,
    user: User,
    run_id: str,
    cluster_id: str,
    flt: ClusterFilter,
    *,
    first: int,
    after: str | None,
) -> list[PainPoint]:
    """A cluster's visible, filtered pain points, newest first; `after` is the last id received."""
    query = (
        select(PainPoint)
        .join(ClusterMembership, ClusterMembership.pain_point_id == PainPoint.id)
        .where(
            ClusterMembership.run_id == run_id,
            ClusterMembership.cluster_id == cluster_id,
            *_conditions(await _sight(session, user), flt),
        )
    )
    return await _newest(session, query, first, after)


def _unclustered_query(seen: Sight, run: ClusterRun | None, flt: ClusterFilter, current: bool) -> Select[Any]:
    query = select(PainPoint).where(PainPoint.team_id == seen.user.team_id, *_conditions(seen, flt))
    if run is None:
        return query
    if current:
        # Not yet placed counts too: nothing waits out of sight for the next run.
        in_cluster = exists().where(
            ClusterMembership.run_id == run.id,
            ClusterMembership.pain_point_id == PainPoint.id,
            ClusterMembership.cluster_id.is_not(None),
        )
        return query.where(~in_cluster)
    return query.join(
        ClusterMembership,
        and_(ClusterMembership.pain_point_id == PainPoint.id, ClusterMembership.run_id == run.id),
    ).where(ClusterMembership.cluster_id.is_(None))


async def unclustered(
    session: AsyncSession,
    user: User,
    run: ClusterRun | None,
    flt: ClusterFilter,
    *,
    current: bool,
    first: int,
    after: str | None,
) -> list[PainPoint]:
    """Visible, filtered pain points in no cluster of the run, newest first."""
    seen = await _sight(session, user)
    return await _newest(session, _unclustered_query(seen, run, flt, current), first, after)


async def unclustered_count(
    session: AsyncSession, user: User, run: ClusterRun | None, flt: ClusterFilter, *, current: bool
) -> int:
    """How many pain points `unclustered` would list in all."""
    seen = await _sight(session, user)
    inner = _unclustered_query(seen, run, flt, current).with_only_columns(PainPoint.id).subquery()
    return int(await session.scalar(select(func.count()).select_from(inner)) or 0)


async def _newest(
    session: AsyncSession, query: Select[Any], first: int, after: str | None
) -> list[PainPoint]:
    first = check_first(first)
    if after is not None:
        if not is_id(after):
            raise BadInput("`after` must be the id of the last pain point you received.")
        query = query.where(PainPoint.id < after)
    return list((await session.execute(query.order_by(PainPoint.id.desc()).limit(first))).scalars())


async def cluster(
    session: AsyncSession, user: User, run: ClusterRun | None, cluster_id: str, flt: ClusterFilter
) -> ClusterView:
    """One cluster of the run as the viewer sees it; NOT_FOUND if none of its pain points are visible."""
    page = (
        await clusters(session, user, run, flt, first=1, after=None, only=[cluster_id])
        if run is not None and is_id(cluster_id)
        else None
    )
    if page is None or not page.nodes:
        raise NotFound(f"No cluster with id {cluster_id} is visible to you.")
    return page.nodes[0]


async def cluster_of(session: AsyncSession, user: User, pain_point: PainPoint) -> ClusterView | None:
    """The current cluster of a pain point the viewer sees (a duplicate shows its original's), if any."""
    run = await current_run(session, pain_point.team_id)
    if run is None:
        return None
    target = pain_point.duplicate_of if pain_point.status is PainPointStatus.DUPLICATE else pain_point.id
    cluster_id = await session.scalar(
        select(ClusterMembership.cluster_id).where(
            ClusterMembership.run_id == run.id, ClusterMembership.pain_point_id == target
        )
    )
    if cluster_id is None:
        return None
    page = await clusters(session, user, run, ClusterFilter(), first=1, after=None, only=[cluster_id])
    return page.nodes[0] if page.nodes else None
