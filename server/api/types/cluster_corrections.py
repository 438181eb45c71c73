"""People's corrections of their team's clusters, as stored and honoured by every later run."""

from __future__ import annotations

import enum
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from server import models
from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.users import User
from server.domain.clusters import constraints as kinds


async def _person(info: Info, user_id: str) -> User | None:
    async with info.context.read() as session:
        user = await session.get(models.User, user_id)
    return User.of(user) if user is not None else None


@strawberry.enum(
    description="RENAME: named; MERGE: clusters joined; SPLIT: split into groups that stay apart; MOVE: a "
    "pain point put into a cluster; UNCLUSTER: a pain point kept out of every cluster."
)
class ClusterCorrectionKind(enum.Enum):
    RENAME = kinds.RENAME
    MERGE = kinds.MERGE
    SPLIT = kinds.SPLIT
    MOVE = kinds.MOVE
    UNCLUSTER = kinds.UNCLUSTER


@strawberry.type(
    description="A correction of the clusters: who, when, what, why; every later run honours it until undone."
)
class ClusterCorrection:
    id: strawberry.ID
    kind: ClusterCorrectionKind
    cluster_id: strawberry.ID | None = strawberry.field(
        description="The cluster renamed, merged into, split, moved into, or (UNCLUSTER) left."
    )
    pain_point_id: strawberry.ID | None
    data: JSON = strawberry.field(
        description="What was decided, in pain-point and cluster ids: label, merged, groups, members, from."
    )
    reason: str | None
    created_by_id: strawberry.ID
    created_at: datetime
    undone_by_id: strawberry.ID | None
    undone_at: datetime | None

    @strawberry.field(description="Who made the correction.")
    async def created_by(self, info: Info) -> User | None:
        return await _person(info, str(self.created_by_id))

    @strawberry.field(description="Who undid it; null while it holds.")
    async def undone_by(self, info: Info) -> User | None:
        return await _person(info, str(self.undone_by_id)) if self.undone_by_id else None

    @classmethod
    def of(cls, row: models.ClusterCorrection) -> ClusterCorrection:
        return cls(
            id=strawberry.ID(row.id),
            kind=ClusterCorrectionKind(row.kind),
            cluster_id=strawberry.ID(row.cluster_id) if row.cluster_id else None,
            pain_point_id=strawberry.ID(row.pain_point_id) if row.pain_point_id else None,
            data=JSON(row.data),
            reason=row.reason,
            created_by_id=strawberry.ID(row.created_by),
            created_at=row.created_at,
            undone_by_id=strawberry.ID(row.undone_by) if row.undone_by else None,
            undone_at=row.undone_at,
        )


@strawberry.type
class ClusterCorrectionConnection:
    nodes: list[ClusterCorrection]
    page_info: PageInfo
