"""Weekly counts of pain points, for a cluster's trend line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta


@dataclass(frozen=True, slots=True)
class WeekCount:
    """How many pain points arrived in the ISO week starting on Monday `week` (UTC)."""

    week: date
    count: int


def week_start(moment: datetime) -> date:
    """Return the Monday (UTC) of the week holding `moment`; a naive time is taken as UTC."""
    # SQLite hands back naive datetimes for columns that were written as UTC.
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    day = utc.date()
    return day - timedelta(days=day.weekday())


def weekly_counts(
    moments: Iterable[datetime], *, since: datetime | None = None, until: datetime | None = None
) -> list[WeekCount]:
    """Return one entry per week from the first to the last (or `since`..`until`), zero weeks included."""
    counts = Counter(week_start(m) for m in moments)
    if not counts and (since is None or until is None):
        return []
    first = week_start(since) if since is not None else min(counts)
    last = week_start(until) if until is not None else max(counts)
    weeks = []
    current = first
    while current <= last:
        weeks.append(WeekCount(current, counts.get(current, 0)))
        current += timedelta(weeks=1)
    return weeks
