"""The contribution ranking: points earned per person of a team in a period (HR's co-creation report)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.access.effective import access_of
from server.domain.errors import BadInput, NotFound
from server.domain.points.access import is_hr, require_hr, require_team
from server.domain.points.reach import ranking_entries
from server.models import EARNING_ACTIONS, PointAction, PointEntry, User

MAX_ROWS = 1000
_PERIOD = re.compile(r"^(\d{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])|H([12])))?$")


@dataclass(frozen=True)
class Period:
    """A half-open span of UTC time named like `2026`, `2026-H1`, `2026-Q3` or `2026-05`."""

    label: str
    start: datetime
    end: datetime


def _month_start(year: int, month: int) -> datetime:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime(year, month, 1, tzinfo=UTC)


def parse_period(label: str) -> Period:
    """The period a label names; BAD_INPUT for anything else."""
    match = _PERIOD.match(label.strip().upper())
    if match is None:
        raise BadInput(f"{label!r} is not a period: use 2026, 2026-H1, 2026-Q3 or 2026-05.")
    year = int(match[1])
    if year < 1970:
        raise BadInput("Periods start in 1970 or later.")
    if match[2]:
        first, months = int(match[2]), 1
    elif match[3]:
        first, months = 3 * int(match[3]) - 2, 3
    elif match[4]:
        first, months = 6 * int(match[4]) - 5, 6
    else:
        first, months = 1, 12
    return Period(match[0], _month_start(year, first), _month_start(year, first + months))


@dataclass(frozen=True)
class RankingRow:
    rank: int
    user: User
    points: int  # earned minus reversals of earnings, inside the period
    awards: int  # entries that earned points
    by_action: dict[PointAction, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Ranking:
    period: Period
    team_id: str
    rows: list[RankingRow]


async def contribution_ranking(
    session: AsyncSession, viewer: User, *, period: str, team_id: str | None = None, first: int = 100
) -> Ranking:
    """Who earned most in the period, ties sharing a rank (1, 2, 2, 4). HR or an admin of the team; or
    someone a visibility policy's RANKING view opens it to, computed over the earnings in its reach."""
    reached: ColumnElement[bool] = true()
    if not is_hr(viewer):
        opened = ranking_entries(await access_of(session, viewer))
        if opened is None:
            require_hr(viewer, "read the contribution ranking")
        else:
            reached = opened
    own_team = require_team(viewer)
    team = team_id or own_team
    if team != own_team:
        # As for any id: another team's answers exactly like one that does not exist, admins included (an
        # admin administers their own team; nothing of another team is visible to anyone).
        raise NotFound(f"No team with id {team} is visible to you.")
    if not 1 <= first <= MAX_ROWS:
        raise BadInput(f"`first` must be between 1 and {MAX_ROWS}.")
    span = parse_period(period)
    earned = (PointEntry.reverses_id.is_(None)) & (PointEntry.delta > 0)
    rows = await session.execute(
        select(
            PointEntry.user_id,
            PointEntry.action,
            func.sum(PointEntry.delta),
            func.sum(case((earned, 1), else_=0)),
        )
        .join(User, User.id == PointEntry.user_id)
        .where(
            User.team_id == team,
            PointEntry.action.in_(EARNING_ACTIONS),
            PointEntry.created_at >= span.start,
            PointEntry.created_at < span.end,
            reached,
        )
        .group_by(PointEntry.user_id, PointEntry.action)
    )
    points: dict[str, int] = defaultdict(int)
    awards: dict[str, int] = defaultdict(int)
    by_action: dict[str, dict[PointAction, int]] = defaultdict(dict)
    for user_id, action, total, count in rows.all():
        points[user_id] += int(total)
        awards[user_id] += int(count)
        by_action[user_id][PointAction(action)] = int(total)
    people = {u.id: u for u in (await session.scalars(select(User).where(User.id.in_(list(points))))).all()}
    order = sorted(points, key=lambda uid: (-points[uid], people[uid].name, uid))
    ranked: list[RankingRow] = []
    for position, user_id in enumerate(order[:first], start=1):
        tied = bool(ranked) and ranked[-1].points == points[user_id]
        rank = ranked[-1].rank if tied else position
        ranked.append(RankingRow(rank, people[user_id], points[user_id], awards[user_id], by_action[user_id]))
    return Ranking(span, team, ranked)
