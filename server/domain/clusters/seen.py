"""The one read behind a page of clusters: what a person sees of a run's largest clusters.

One statement finds the visible memberships of the run (the visibility condition evaluated once), counts
each cluster's size over them, orders the clusters (largest first, then by id) and returns the memberships
of the page's clusters only, each with its cluster's size, the number of clusters that qualify and, when
asked, how many memberships the cluster has in all (visible or not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.painpoints.access import Sight, visible
from server.models import ClusterMembership, PainPoint


@dataclass(frozen=True, slots=True)
class Seen:
    """One visible membership of the run, with what the page needs of its pain point."""

    cluster_id: str
    pain_point_id: str
    similarity: float
    created_at: datetime
    case_id: str
    customer: str
    text: str  # the normalized text, empty for a team-wide viewer (their labels are the run's)
    counted: bool  # counts (not a repeat or withdrawn) and meets the filter
    clear: bool  # shown with the customer as written


@dataclass(frozen=True)
class SeenPage:
    """The page's clusters in order, their sizes and visible memberships, and how many clusters qualify."""

    clusters: list[str]
    sizes: dict[str, int]
    members: dict[str, list[Seen]]
    totals: dict[str, int]  # every membership of the cluster, visible or not (only when asked)
    qualifying: int


def _binary(column: ColumnElement[str], dialect: str) -> ColumnElement[str]:
    # Ids compare by code point, as Python's sort does (SQLite's default already does).
    return column.collate("C") if dialect == "postgresql" else column


async def read_page(
    session: AsyncSession,
    seen: Sight,
    run_id: str,
    counted: ColumnElement[bool],
    *,
    min_size: int,
    offset: int,
    first: int,
    only: Sequence[str] | None,
    totals: bool,
) -> SeenPage:
    """The clusters at [offset, offset + first) of the run's clusters with at least `min_size` visible
    pain points meeting `counted`, largest first, with every visible membership of theirs."""
    text = PainPoint.normalized_text if not seen.team_wide else literal("")
    visible_rows = (
        select(
            ClusterMembership.cluster_id,
            ClusterMembership.pain_point_id,
            ClusterMembership.similarity,
            PainPoint.created_at,
            PainPoint.case_id,
            PainPoint.customer,
            text.label("text"),
            counted.label("counted"),
            seen.clear.label("clear"),
        )
        .join(PainPoint, PainPoint.id == ClusterMembership.pain_point_id)
        .where(ClusterMembership.run_id == run_id, ClusterMembership.cluster_id.is_not(None), visible(seen))
    )
    if only is not None:
        visible_rows = visible_rows.where(ClusterMembership.cluster_id.in_(only))
    # The visible memberships are read once and kept for both the sizes and the page; a team-wide condition
    # is cheaper to evaluate twice than every membership of the run to keep.
    mine = visible_rows.subquery("seen") if seen.team_wide else visible_rows.cte("seen")
    counting = visible_rows.subquery("counting") if seen.team_wide else mine
    size = func.sum(case((counting.c.counted, 1), else_=0))
    sized = (
        select(counting.c.cluster_id, size.label("size"))
        .group_by(counting.c.cluster_id)
        .having(size >= max(1, min_size))
        .subquery("sized")
    )
    dialect = session.get_bind().dialect.name
    position = func.row_number().over(order_by=(sized.c.size.desc(), _binary(sized.c.cluster_id, dialect)))
    ordered = select(
        sized.c.cluster_id,
        sized.c.size,
        position.label("position"),
        func.count().over().label("qualifying"),
    ).subquery("ordered")
    paged = (
        select(ordered.c.cluster_id, ordered.c.size, ordered.c.qualifying)
        .where(ordered.c.position > offset, ordered.c.position <= offset + first)
        .cte("paged")
    )
    query = select(*mine.c, paged.c.size, paged.c.qualifying).join(
        paged, paged.c.cluster_id == mine.c.cluster_id
    )
    if totals:
        whole = (
            select(ClusterMembership.cluster_id, func.count().label("total"))
            .where(
                ClusterMembership.run_id == run_id,
                ClusterMembership.cluster_id.in_(select(paged.c.cluster_id)),
            )
            .group_by(ClusterMembership.cluster_id)
            .subquery("whole")
        )
        query = query.add_columns(whole.c.total).join(whole, whole.c.cluster_id == mine.c.cluster_id)
    else:
        query = query.add_columns(literal(0).label("total"))
    sizes: dict[str, int] = {}
    members: dict[str, list[Seen]] = {}
    whole_counts: dict[str, int] = {}
    qualifying = 0
    # Core rows: the ORM's per-row work is a third of this read's time for a few thousand memberships.
    connection = await session.connection()
    for c, pid, sim, created, case_id, customer, txt, n, clear, size_, qualifying_, total in (
        await connection.execute(query)
    ).all():
        if c is None:  # never, by the query: the column's type allows it
            continue
        if c not in members:
            members[c], sizes[c], whole_counts[c] = [], int(size_), int(total)
            qualifying = int(qualifying_)
        row = Seen(c, pid, float(sim), created, case_id, customer, txt or "", bool(n), bool(clear))
        members[c].append(row)
    ordered_ids = sorted(sizes, key=lambda c: (-sizes[c], c))
    return SeenPage(ordered_ids, sizes, members, whole_counts, qualifying)
