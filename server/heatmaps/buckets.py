"""Contributions per user per day or ISO week, with counts per kind and one weighted score.

Time is UTC: a day runs from 00:00 UTC, a week is an ISO week (Monday 00:00 UTC). Naive datetimes
(as SQLite hands them back) are read as UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from server.heatmaps.edits import UpdateEdits


class BucketSize(StrEnum):
    """How long one column of the heatmap is."""

    DAY = "DAY"
    WEEK = "WEEK"


class Activity(StrEnum):
    """The kinds of contribution a heatmap counts."""

    DOC_CHARS_INSERTED = "doc_chars_inserted"
    DOC_CHARS_DELETED = "doc_chars_deleted"
    COMMENTS = "comments"
    SNAPSHOTS = "snapshots"
    PAIN_POINTS = "pain_points"
    ADOPTIONS = "adoptions"
    ASSET_REUSES = "asset_reuses"
    ASSET_SUBSCRIPTIONS = "asset_subscriptions"


WEIGHTS: Final[Mapping[Activity, float]] = MappingProxyType(
    {
        # A hundred characters typed weigh as much as one comment; pruning is worth half of writing.
        Activity.DOC_CHARS_INSERTED: 0.01,
        Activity.DOC_CHARS_DELETED: 0.005,
        Activity.COMMENTS: 1.0,
        # A named version marks a milestone someone took the care to name.
        Activity.SNAPSHOTS: 0.5,
        # Customer pain points are the war room's purpose; one adopted by R&D is worth most.
        Activity.PAIN_POINTS: 3.0,
        Activity.ADOPTIONS: 10.0,
        # The case's knowledge reaching other people: a case started from its published asset weighs more
        # than a pain point, a subscription as much as a comment (credited to the asset's authors).
        Activity.ASSET_REUSES: 5.0,
        Activity.ASSET_SUBSCRIPTIONS: 1.0,
    }
)
"""Score of one unit of each activity; a cell's score is the weighted sum of its counts."""

MAX_BUCKETS: Final = 400
"""More columns than anyone can read (and a guard against an accidental ten-year range)."""


@dataclass(frozen=True, slots=True)
class ActivityEvent:
    """A contribution other than document editing: a comment written, a snapshot named, ..."""

    user_id: str
    at: datetime
    kind: Activity
    amount: int = 1

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ValueError("an activity's amount cannot be negative")


@dataclass(frozen=True, slots=True)
class Bucket:
    """One column: the UTC days [start, end)."""

    start: date
    end: date
    label: str
    """`2025-03-14` for a day, `2025-W11` for an ISO week."""


@dataclass(frozen=True, slots=True)
class Cell:
    """What one user did in one bucket."""

    counts: Mapping[Activity, int]
    score: float


EMPTY_CELL: Final = Cell(MappingProxyType({}), 0.0)


@dataclass(frozen=True, slots=True)
class ContributionHeatmap:
    """Users x buckets of contributions; only non-empty cells are stored."""

    size: BucketSize
    buckets: tuple[Bucket, ...]
    users: tuple[str, ...]
    """Every user with a contribution in range, highest total score first (ties by id)."""
    cells: Mapping[tuple[str, int], Cell]
    """(user id, bucket index) -> cell."""

    def cell(self, user_id: str, bucket_index: int) -> Cell:
        """The cell of one user and bucket (EMPTY_CELL when they did nothing)."""
        return self.cells.get((user_id, bucket_index), EMPTY_CELL)

    def user_score(self, user_id: str) -> float:
        """The total score of one user over the whole range."""
        return sum(self.cell(user_id, index).score for index in range(len(self.buckets)))


def contribution_heatmap(
    *,
    start: datetime,
    end: datetime,
    size: BucketSize,
    edits: Iterable[UpdateEdits] = (),
    events: Iterable[ActivityEvent] = (),
    weights: Mapping[Activity, float] = WEIGHTS,
) -> ContributionHeatmap:
    """Bucket the contributions made in [start, end); raise ValueError for an empty or too long range."""
    start, end = _utc(start), _utc(end)
    if end <= start:
        raise ValueError("the range must end after it starts")
    buckets = bucket_range(start, end, size)
    step = 1 if size == BucketSize.DAY else 7
    first = buckets[0].start
    counts: dict[tuple[str, int], dict[Activity, int]] = {}

    def add(user_id: str, at: datetime, kind: Activity, amount: int) -> None:
        if amount and start <= at < end:
            key = (user_id, (at.date() - first).days // step)
            cell = counts.get(key)
            if cell is None:
                cell = counts[key] = {}
            cell[kind] = cell.get(kind, 0) + amount

    for edit in edits:
        at = _utc(edit.at)
        add(edit.author_id, at, Activity.DOC_CHARS_INSERTED, edit.chars_inserted)
        add(edit.author_id, at, Activity.DOC_CHARS_DELETED, edit.chars_deleted)
    for event in events:
        add(event.user_id, _utc(event.at), event.kind, event.amount)

    cells = {
        key: Cell(MappingProxyType(cell), sum(weights.get(kind, 0.0) * n for kind, n in cell.items()))
        for key, cell in counts.items()
    }
    totals: dict[str, float] = {}
    for (user_id, _), cell_value in cells.items():
        totals[user_id] = totals.get(user_id, 0.0) + cell_value.score
    users = tuple(sorted(totals, key=lambda user_id: (-totals[user_id], user_id)))
    return ContributionHeatmap(size, buckets, users, MappingProxyType(cells))


def bucket_range(start: datetime, end: datetime, size: BucketSize) -> tuple[Bucket, ...]:
    """The buckets that cover [start, end)."""
    first = bucket_start(start, size)
    last = bucket_start(_utc(end) - timedelta(microseconds=1), size)
    step = 1 if size == BucketSize.DAY else 7
    count = (last - first).days // step + 1
    if count > MAX_BUCKETS:
        raise ValueError(f"the range spans {count} buckets; at most {MAX_BUCKETS} are allowed")
    return tuple(_bucket(first + timedelta(days=i * step), size) for i in range(count))


def bucket_start(at: datetime, size: BucketSize) -> date:
    """The first UTC day of the bucket holding `at`."""
    day = _utc(at).date()
    return day if size == BucketSize.DAY else day - timedelta(days=day.weekday())


def _bucket(first: date, size: BucketSize) -> Bucket:
    if size == BucketSize.DAY:
        return Bucket(first, first + timedelta(days=1), first.isoformat())
    year, week, _ = first.isocalendar()
    return Bucket(first, first + timedelta(days=7), f"{year}-W{week:02d}")


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
