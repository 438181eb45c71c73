"""Caps on earning: how many points one person may earn from one action per UTC day and per UTC month.

The counts are read after the earners' accounts are locked (see ledger.lock_accounts), so concurrent
awards to one person are decided one at a time and the caps hold under any concurrency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.models import PointAction, PointEntry
from server.models.base import utcnow


class CappedRule(Protocol):
    @property
    def points(self) -> int: ...
    @property
    def daily_cap(self) -> int | None: ...
    @property
    def monthly_cap(self) -> int | None: ...


@dataclass
class Earned:
    """What one person earned from one action so far today and this month (UTC)."""

    today: int = 0
    month: int = 0


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def month_start(now: datetime) -> datetime:
    return day_start(now).replace(day=1)


def next_month(start: datetime) -> datetime:
    return (start + timedelta(days=32)).replace(day=1)


async def earned(
    session: AsyncSession, wanted: Iterable[tuple[str, PointAction]], *, now: datetime | None = None
) -> dict[tuple[str, PointAction], Earned]:
    """Points each (person, action) earned on the UTC day of `now` (default: today) and in its calendar
    month; reversals do not give room back."""
    wanted = set(wanted)
    if not wanted:
        return {}
    now = now or utcnow()
    day, month = day_start(now), month_start(now)
    on_the_day = (PointEntry.created_at >= day) & (PointEntry.created_at < day + timedelta(days=1))
    rows = await session.execute(
        select(
            PointEntry.user_id,
            PointEntry.action,
            func.sum(case((on_the_day, PointEntry.delta), else_=0)),
            func.sum(PointEntry.delta),
        )
        .where(
            PointEntry.user_id.in_({user_id for user_id, _ in wanted}),
            PointEntry.action.in_({action for _, action in wanted}),
            PointEntry.reverses_id.is_(None),
            PointEntry.created_at >= month,
            PointEntry.created_at < next_month(month),
        )
        .group_by(PointEntry.user_id, PointEntry.action)
    )
    found = {
        (user_id, PointAction(action)): Earned(int(today or 0), int(total or 0))
        for user_id, action, today, total in rows.all()
    }
    return {key: found.get(key, Earned()) for key in wanted}


@dataclass
class Tally:
    """What a batch's earners earned per capped action, per UTC day and month of its awards, kept current as
    the batch decides them, so that two awards of one batch share one day's cap."""

    days: dict[tuple[str, PointAction, datetime], int] = field(default_factory=dict)
    months: dict[tuple[str, PointAction, datetime], int] = field(default_factory=dict)

    def take(
        self, rule: CappedRule, user_id: str, action: PointAction, at: datetime
    ) -> tuple[int, str | None]:
        """The points one more award at `at` earns (see `allowance`), counted as earned."""
        day, month = (user_id, action, day_start(at)), (user_id, action, month_start(at))
        points, note = allowance(rule, Earned(self.days.get(day, 0), self.months.get(month, 0)))
        self.days[day] = self.days.get(day, 0) + points
        self.months[month] = self.months.get(month, 0) + points
        return points, note


async def tally(session: AsyncSession, wanted: Iterable[tuple[str, PointAction, datetime]]) -> Tally:
    """What each (person, action) earned on the day and in the month of each `at` in `wanted`; one query per
    distinct day (awards made now share one)."""
    by_day: dict[datetime, set[tuple[str, PointAction]]] = {}
    for user_id, action, at in wanted:
        by_day.setdefault(day_start(at), set()).add((user_id, action))
    found = Tally()
    for day, pairs in sorted(by_day.items()):
        for (user_id, action), so_far in (await earned(session, pairs, now=day)).items():
            found.days[(user_id, action, day)] = so_far.today
            found.months[(user_id, action, month_start(day))] = so_far.month
    return found


def allowance(rule: CappedRule, so_far: Earned) -> tuple[int, str | None]:
    """The points one more award earns under the caps, and the note saying which cap cut it (if one did)."""
    points, note = rule.points, None
    for cap, used, label in (
        (rule.daily_cap, so_far.today, "Daily"),
        (rule.monthly_cap, so_far.month, "Monthly"),
    ):
        if cap is not None and cap - used < points:
            points, note = max(0, cap - used), f"{label} cap of {cap} points reached."
    return points, note


def is_capped(rule: CappedRule) -> bool:
    return rule.daily_cap is not None or rule.monthly_cap is not None
