"""Pain-point clusters for R&D and case teams, the runs that made them, and their live events."""

from __future__ import annotations

import enum
from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from server import models
from server.api.context import Info
from server.api.types.cluster_corrections import ClusterCorrection, ClusterCorrectionConnection
from server.api.types.common import PageInfo
from server.api.types.knowledge import KnowledgeAssetMatch, matches
from server.api.types.painpoints import PainPoint, shown
from server.domain.clusters import corrections as cluster_corrections
from server.domain.clusters import events as cluster_events
from server.domain.clusters import views as cluster_views
from server.domain.clusters.views import ClusterFilter, ClusterView
from server.domain.knowledge import search as knowledge_search
from server.domain.knowledge.embedder import embedder_of


@strawberry.type(description="How many of the cluster's pain points (that you see) arrived in one week.")
class WeekCount:
    week: date = strawberry.field(description="The Monday (UTC) that starts the week.")
    count: int


@strawberry.type(description="A keyword and its class-based TF-IDF weight in the cluster.")
class ClusterKeyword:
    term: str
    score: float


@strawberry.type(
    description="A recurring customer problem: pain points of your team that say much the same. Counts, "
    "trend and lists cover only the pain points you may see (all of your team's for R&D)."
)
class PainPointCluster:
    id: strawberry.ID = strawberry.field(description="Stable across runs for the same recurring problem.")
    run_id: strawberry.ID
    label: str
    keywords: list[str]
    keyword_scores: list[ClusterKeyword]
    size: int
    trend: list[WeekCount]
    representatives: list[PainPoint] = strawberry.field(
        description="Up to 5 pain points closest to the cluster's centre."
    )
    case_count: int = strawberry.field(description="How many cases its pain points come from.")
    customers: list[str]
    filter: strawberry.Private[ClusterFilter]
    merged_into: strawberry.ID | None = strawberry.field(
        default=None,
        description="Set when the cluster you asked for was merged into this one (its id): the rest "
        "describes the survivor.",
    )

    @strawberry.field(
        description="Knowledge assets in your audience closest in meaning to this cluster (its label, "
        "keywords and representative pain points), closest first."
    )
    async def related_knowledge_assets(self, info: Info, first: int = 5) -> list[KnowledgeAssetMatch]:
        user = await info.context.user()
        texts = [self.label, " ".join(self.keywords), *(p.text for p in self.representatives)]
        embedder = embedder_of(info.context.settings)
        async with info.context.read() as session:
            found = await knowledge_search.similar(session, user, embedder, texts, first=first)
        return await matches(info, found)

    @classmethod
    def of(cls, view: ClusterView, flt: ClusterFilter, *, asked: str | None = None) -> PainPointCluster:
        return cls(
            merged_into=strawberry.ID(view.cluster_id) if asked is not None else None,
            id=strawberry.ID(asked if asked is not None else view.cluster_id),
            run_id=strawberry.ID(view.run_id),
            label=view.label,
            keywords=[k.term for k in view.keywords],
            keyword_scores=[ClusterKeyword(term=k.term, score=k.score) for k in view.keywords],
            size=view.size,
            trend=[WeekCount(week=w.week, count=w.count) for w in view.trend],
            representatives=[PainPoint.of(p, masked=p.id in view.masked) for p in view.representatives],
            case_count=view.case_count,
            customers=view.customers,
            filter=flt,
        )

    @strawberry.field(
        description="People's corrections of this cluster, newest first (undone ones too); R&D and admins "
        "only (FORBIDDEN otherwise)."
    )
    async def corrections(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> ClusterCorrectionConnection:
        user = await info.context.user()
        async with info.context.read() as session:
            page = await cluster_corrections.listing(
                session, user, first=first, after=after, cluster_id=str(self.merged_into or self.id)
            )
        return ClusterCorrectionConnection(
            nodes=[ClusterCorrection.of(row) for row in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )

    @strawberry.field(description="Its pain points, newest first; `after` is the last id you received.")
    async def pain_points(
        self, info: Info, first: int = 20, after: strawberry.ID | None = None
    ) -> list[PainPoint]:
        user = await info.context.user()
        async with info.context.read() as session:
            rows = await cluster_views.cluster_members(
                session,
                user,
                str(self.run_id),
                str(self.id),
                self.filter,
                first=first,
                after=str(after) if after is not None else None,
            )
            return await shown(session, user, rows, models.AccessView.CLUSTERS)


@strawberry.type(description="One clustering run of a team, stored as a whole with its parameters.")
class ClusterRun:
    id: strawberry.ID
    created_at: datetime
    model: str = strawberry.field(description="The embedding model the run's vectors came from.")
    method: str
    params: JSON = strawberry.field(description="Every parameter that decided the outcome.")
    pain_point_count: int
    cluster_count: int
    unclustered_count: int
    seconds: JSON = strawberry.field(
        description="Time per stage (reduce, cluster, keywords, describe; neighbours first in a team of both "
        "languages)."
    )

    @classmethod
    def of(cls, run: models.ClusterRun) -> ClusterRun:
        return cls(
            id=strawberry.ID(run.id),
            created_at=run.created_at,
            model=run.model,
            method=run.method,
            params=JSON(run.params),
            pain_point_count=run.point_count,
            cluster_count=run.cluster_count,
            unclustered_count=run.unclustered_count,
            seconds=JSON(run.seconds),
        )


@strawberry.type
class ClusterRunConnection:
    nodes: list[ClusterRun]
    page_info: PageInfo


@strawberry.type
class PainPointClusterConnection:
    nodes: list[PainPointCluster]
    page_info: PageInfo
    run: ClusterRun | None = strawberry.field(description="The run shown; null before the team's first run.")
    current: strawberry.Private[bool]
    filter: strawberry.Private[ClusterFilter]
    run_row: strawberry.Private[models.ClusterRun | None]

    @strawberry.field(
        description="Pain points in no cluster of the run (too far from every cluster, or not placed yet), "
        "matching the filter, newest first; never hidden."
    )
    async def unclustered(
        self, info: Info, first: int = 20, after: strawberry.ID | None = None
    ) -> list[PainPoint]:
        user = await info.context.user()
        async with info.context.read() as session:
            rows = await cluster_views.unclustered(
                session,
                user,
                self.run_row,
                self.filter,
                current=self.current,
                first=first,
                after=str(after) if after is not None else None,
            )
            return await shown(session, user, rows, models.AccessView.CLUSTERS)

    @strawberry.field(description="How many pain points `unclustered` holds in all.")
    async def unclustered_count(self, info: Info) -> int:
        user = await info.context.user()
        async with info.context.read() as session:
            return await cluster_views.unclustered_count(
                session, user, self.run_row, self.filter, current=self.current
            )


@strawberry.enum(
    description="RUN_FINISHED: a re-clustering stored a new run; CLUSTER_GREW: pain points joined; "
    "CLUSTER_CORRECTED: a person renamed, merged, split or moved pain points of the cluster (or undid it)."
)
class ClusterEventKind(enum.Enum):
    RUN_FINISHED = cluster_events.RUN_FINISHED
    CLUSTER_GREW = cluster_events.CLUSTER_GREW
    CLUSTER_CORRECTED = cluster_events.CLUSTER_CORRECTED


@strawberry.type(description="Something happened to your team's clusters.")
class ClusterEvent:
    kind: ClusterEventKind
    run_id: strawberry.ID
    cluster_id: strawberry.ID | None
    pain_point_ids: list[strawberry.ID] = strawberry.field(
        description="The pain points that joined (only those you may see)."
    )
    added: int
    at: datetime
