"""Value points: rules, ledger entries and the contribution ranking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server import models
from server.api.types.common import PageInfo
from server.domain.points import ranking
from server.domain.points.ledger import Entry

if TYPE_CHECKING:
    from server.api.types.users import User

PointAction = strawberry.enum(
    models.PointAction,
    name="PointAction",
    description="Why points moved: the five earning actions the rules price, HR adjustments, redemptions.",
)

_User = Annotated["User", strawberry.lazy("server.api.types.users")]


@strawberry.type(description="How many points an earning action is worth, and the daily cap per person.")
class PointRule:
    action: PointAction  # type: ignore[valid-type]
    points: int
    daily_cap: int | None = strawberry.field(description="Points per person per UTC day; null: no cap.")
    active: bool
    updated_at: datetime

    @classmethod
    def of(cls, rule: models.PointRule) -> PointRule:
        return cls(
            action=rule.action,
            points=rule.points,
            daily_cap=rule.daily_cap,
            active=rule.active,
            updated_at=rule.updated_at,
        )


@strawberry.type(
    description="One immutable ledger entry; a correction is a new entry reversing an older one."
)
class PointEntry:
    id: strawberry.ID
    delta: int
    action: PointAction  # type: ignore[valid-type]
    subject: str = strawberry.field(description="What earned or spent the points, as kind:id.")
    note: str | None
    balance_after: int
    created_at: datetime
    reverses_id: strawberry.ID | None = strawberry.field(description="The entry this one reverses, if any.")
    actor: _User | None = strawberry.field(description="Who caused the movement; null for the system.")

    @classmethod
    def of(cls, entry: Entry, actor: User | None) -> PointEntry:
        return cls(
            id=strawberry.ID(str(entry.id)),
            delta=entry.delta,
            action=entry.action,
            subject=entry.subject,
            note=entry.note,
            balance_after=entry.balance_after,
            created_at=entry.created_at,
            reverses_id=strawberry.ID(str(entry.reverses_id)) if entry.reverses_id is not None else None,
            actor=actor,
        )


@strawberry.type
class PointEntryConnection:
    nodes: list[PointEntry]
    page_info: PageInfo


@strawberry.type
class ActionPoints:
    action: PointAction  # type: ignore[valid-type]
    points: int


@strawberry.type
class RankingRow:
    rank: int
    user: _User
    points: int = strawberry.field(description="Earned in the period, net of reversals in the period.")
    awards: int = strawberry.field(description="How many contributions earned points.")
    by_action: list[ActionPoints]


@strawberry.type(description="Points earned per person of a team in a period: HR's co-creation report.")
class ContributionRanking:
    period: str
    start: datetime
    end: datetime = strawberry.field(description="Exclusive.")
    team_id: strawberry.ID
    rows: list[RankingRow]

    @classmethod
    def of(cls, report: ranking.Ranking) -> ContributionRanking:
        from server.api.types.users import User

        return cls(
            period=report.period.label,
            start=report.period.start,
            end=report.period.end,
            team_id=strawberry.ID(report.team_id),
            rows=[
                RankingRow(
                    rank=row.rank,
                    user=User.of(row.user),
                    points=row.points,
                    awards=row.awards,
                    by_action=[ActionPoints(action=a, points=p) for a, p in row.by_action.items()],
                )
                for row in report.rows
            ],
        )


async def point_entries(session: AsyncSession, entries: Sequence[Entry]) -> list[PointEntry]:
    """API entries with their actors, loaded in one query."""
    from server.api.types.users import User

    ids = {entry.actor_id for entry in entries if entry.actor_id is not None}
    people = (
        {u.id: u for u in (await session.scalars(select(models.User).where(models.User.id.in_(ids)))).all()}
        if ids
        else {}
    )
    return [
        PointEntry.of(entry, User.of(people[entry.actor_id]) if entry.actor_id in people else None)
        for entry in entries
    ]
