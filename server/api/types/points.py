"""Value points: rules, ledger entries and the contribution ranking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server import models
from server.api.context import Info
from server.api.types.common import PageInfo
from server.domain.points import anomalies, ranking, subjects, wallet
from server.domain.points.ledger import Entry

if TYPE_CHECKING:
    from server.api.types.users import User

PointAction = strawberry.enum(
    models.PointAction,
    name="PointAction",
    description="Why points moved: the five earning actions the rules price, HR adjustments, redemptions.",
)

_User = Annotated["User", strawberry.lazy("server.api.types.users")]


@strawberry.type(
    description="How many points an earning action is worth in your team, and the caps per person."
)
class PointRule:
    action: PointAction  # type: ignore[valid-type]
    points: int
    daily_cap: int | None = strawberry.field(description="Points per person per UTC day; null: no cap.")
    monthly_cap: int | None = strawberry.field(
        description="Points per person per UTC calendar month; null: no cap."
    )
    active: bool
    updated_at: datetime

    @classmethod
    def of(cls, rule: models.PointRule) -> PointRule:
        return cls(
            action=rule.action,
            points=rule.points,
            daily_cap=rule.daily_cap,
            monthly_cap=rule.monthly_cap,
            active=rule.active,
            updated_at=rule.updated_at,
        )


@strawberry.type(description="How much of one rule's caps a person has used (UTC day and month).")
class PointCapUse:
    action: PointAction  # type: ignore[valid-type]
    points: int
    daily_cap: int | None
    monthly_cap: int | None
    earned_today: int
    earned_this_month: int
    reached: bool = strawberry.field(description="The next award of this action earns less (or nothing).")

    @classmethod
    def of(cls, use: wallet.CapUse) -> PointCapUse:
        return cls(
            action=use.action,
            points=use.points,
            daily_cap=use.daily_cap,
            monthly_cap=use.monthly_cap,
            earned_today=use.earned_today,
            earned_this_month=use.earned_this_month,
            reached=use.reached,
        )


@strawberry.type(description="A person's points: balance, debt and how much of the caps is used.")
class PointsWallet:
    balance: int = strawberry.field(description="Negative while in debt.")
    debt: int = strawberry.field(
        description="Points owed because points already spent were taken back (a rejected pain point); "
        "later awards repay it, and nothing can be redeemed until then. 0 when not in debt."
    )
    caps: list[PointCapUse]

    @classmethod
    def of(cls, found: wallet.Wallet) -> PointsWallet:
        return cls(balance=found.balance, debt=found.debt, caps=[PointCapUse.of(use) for use in found.caps])


@strawberry.type(description="Two teammates who award each other far above the team's usual pair.")
class PointPairAnomaly:
    a: _User
    b: _User
    a_from_b: int = strawberry.field(description="Points a earned through b's decisions.")
    b_from_a: int = strawberry.field(description="Points b earned through a's decisions.")
    a_awards: int = strawberry.field(description="Entries b granted a (capped ones included).")
    b_awards: int = strawberry.field(description="Entries a granted b (capped ones included).")
    total: int
    others_median: float = strawberry.field(description="The median total of the team's other pairs.")
    times_median: float | None = strawberry.field(
        description="total / othersMedian, rounded to 0.1; null when the other pairs' median is 0."
    )


@strawberry.type(
    description="Pairs who award each other: both directions non-zero, total at least `floor` and more "
    "than `factor` times the median total of the team's other pairs."
)
class PointAnomalyReport:
    team_id: strawberry.ID
    since: datetime
    pairs_seen: int = strawberry.field(description="Pairs of teammates with points granted either way.")
    median_pair_points: float = strawberry.field(description="The median total of all those pairs.")
    factor: int
    floor: int
    pairs: list[PointPairAnomaly]

    @classmethod
    def of(cls, report: anomalies.AnomalyReport) -> PointAnomalyReport:
        from server.api.types.users import User

        return cls(
            team_id=strawberry.ID(report.team_id),
            since=report.since,
            pairs_seen=report.pairs_seen,
            median_pair_points=report.median_pair_points,
            factor=report.factor,
            floor=report.floor,
            pairs=[
                PointPairAnomaly(
                    a=User.of(pair.a),
                    b=User.of(pair.b),
                    a_from_b=pair.a_from_b,
                    b_from_a=pair.b_from_a,
                    a_awards=pair.a_awards,
                    b_awards=pair.b_awards,
                    total=pair.total,
                    others_median=pair.others_median,
                    times_median=round(pair.total / pair.others_median, 1) if pair.others_median else None,
                )
                for pair in report.pairs
            ],
        )


@strawberry.type(
    description="Where a ledger entry's subject is: its case and, inside it, the thread, pain point or "
    "version. Given only for what you may open."
)
class PointSubjectPlace:
    case_id: strawberry.ID
    case_title: str
    thread_id: strawberry.ID | None = strawberry.field(description="A comment thread (its first comment).")
    pain_point_id: strawberry.ID | None
    snapshot_id: strawberry.ID | None

    @classmethod
    def of(cls, place: subjects.SubjectPlace) -> PointSubjectPlace:
        def opt(value: str | None) -> strawberry.ID | None:
            return strawberry.ID(value) if value is not None else None

        return cls(
            case_id=strawberry.ID(place.case_id),
            case_title=place.case_title,
            thread_id=opt(place.thread_id),
            pain_point_id=opt(place.pain_point_id),
            snapshot_id=opt(place.snapshot_id),
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

    @strawberry.field(
        description="Where the subject is, when you may open it (a case you are on); null otherwise "
        "(adjustments, redemptions, deleted things)."
    )
    async def subject_place(self, info: Info) -> PointSubjectPlace | None:
        viewer = await info.context.user()
        async with info.context.read() as session:
            place = (await subjects.locate(session, viewer, [self.subject])).get(self.subject)
        return PointSubjectPlace.of(place) if place is not None else None

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
