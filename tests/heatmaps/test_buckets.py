from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from server.heatmaps.buckets import (
    EMPTY_CELL,
    MAX_BUCKETS,
    WEIGHTS,
    Activity,
    ActivityEvent,
    BucketSize,
    bucket_range,
    contribution_heatmap,
)
from server.heatmaps.edits import UpdateEdits


def test_days_are_utc_days() -> None:
    start = datetime(2025, 3, 1, tzinfo=UTC)
    edits = [
        UpdateEdits("ann", datetime(2025, 3, 1, 23, 59, tzinfo=UTC), chars_inserted=10),
        UpdateEdits("ann", datetime(2025, 3, 2, 0, 0, tzinfo=UTC), chars_inserted=20, chars_deleted=4),
        # 01:30 in UTC+2 is still the first of March in UTC.
        UpdateEdits(
            "ben", datetime(2025, 3, 2, 1, 30, tzinfo=timezone(timedelta(hours=2))), chars_inserted=1
        ),
        # Naive times, as SQLite returns them, are UTC.
        UpdateEdits("ben", datetime(2025, 3, 3, 12), chars_inserted=2),
    ]

    heatmap = contribution_heatmap(
        start=start, end=start + timedelta(days=3), size=BucketSize.DAY, edits=edits
    )

    assert [b.label for b in heatmap.buckets] == ["2025-03-01", "2025-03-02", "2025-03-03"]
    assert dict(heatmap.cell("ann", 0).counts) == {Activity.DOC_CHARS_INSERTED: 10}
    assert dict(heatmap.cell("ann", 1).counts) == {
        Activity.DOC_CHARS_INSERTED: 20,
        Activity.DOC_CHARS_DELETED: 4,
    }
    assert dict(heatmap.cell("ben", 0).counts) == {Activity.DOC_CHARS_INSERTED: 1}
    assert dict(heatmap.cell("ben", 2).counts) == {Activity.DOC_CHARS_INSERTED: 2}
    assert heatmap.cell("ben", 1) is EMPTY_CELL


def test_weeks_are_iso_weeks_starting_monday() -> None:
    buckets = bucket_range(
        datetime(2024, 12, 31, tzinfo=UTC), datetime(2025, 1, 14, tzinfo=UTC), BucketSize.WEEK
    )

    assert [(b.start, b.end, b.label) for b in buckets] == [
        (date(2024, 12, 30), date(2025, 1, 6), "2025-W01"),
        (date(2025, 1, 6), date(2025, 1, 13), "2025-W02"),
        (date(2025, 1, 13), date(2025, 1, 20), "2025-W03"),
    ]


def test_scores_weigh_every_kind_and_rank_users() -> None:
    start = datetime(2025, 6, 2, tzinfo=UTC)
    events = [
        ActivityEvent("cai", start + timedelta(hours=1), Activity.COMMENTS, 3),
        ActivityEvent("cai", start + timedelta(hours=2), Activity.PAIN_POINTS),
        ActivityEvent("dev", start + timedelta(days=8), Activity.ADOPTIONS),
        ActivityEvent("dev", start + timedelta(days=8), Activity.SNAPSHOTS),
        # Outside the range: ignored.
        ActivityEvent("eve", start - timedelta(seconds=1), Activity.ADOPTIONS),
        ActivityEvent("eve", start + timedelta(days=14), Activity.ADOPTIONS),
    ]
    edits = [UpdateEdits("cai", start, chars_inserted=200, chars_deleted=100)]

    heatmap = contribution_heatmap(
        start=start, end=start + timedelta(days=14), size=BucketSize.WEEK, edits=edits, events=events
    )

    cai = 3 * WEIGHTS[Activity.COMMENTS] + WEIGHTS[Activity.PAIN_POINTS]
    cai += 200 * WEIGHTS[Activity.DOC_CHARS_INSERTED] + 100 * WEIGHTS[Activity.DOC_CHARS_DELETED]
    dev = WEIGHTS[Activity.ADOPTIONS] + WEIGHTS[Activity.SNAPSHOTS]
    assert heatmap.cell("cai", 0).score == pytest.approx(cai)
    assert heatmap.cell("dev", 1).score == pytest.approx(dev)
    assert heatmap.users == ("dev", "cai")
    assert heatmap.user_score("cai") == pytest.approx(cai)


def test_custom_weights_replace_the_defaults() -> None:
    start = datetime(2025, 6, 2, tzinfo=UTC)
    events = [ActivityEvent("cai", start, Activity.COMMENTS, 2)]

    heatmap = contribution_heatmap(
        start=start, end=start + timedelta(days=1), size=BucketSize.DAY, events=events,
        weights={Activity.COMMENTS: 5.0},
    )  # fmt: skip

    assert heatmap.cell("cai", 0).score == 10.0


def test_every_activity_has_a_weight() -> None:
    assert set(WEIGHTS) == set(Activity)


def test_bad_ranges_are_refused() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="must end after it starts"):
        contribution_heatmap(start=start, end=start, size=BucketSize.DAY)
    with pytest.raises(ValueError, match=f"at most {MAX_BUCKETS}"):
        contribution_heatmap(start=start, end=start + timedelta(days=MAX_BUCKETS + 1), size=BucketSize.DAY)
    assert len(bucket_range(start, start + timedelta(days=MAX_BUCKETS), BucketSize.DAY)) == MAX_BUCKETS


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        ActivityEvent("cai", datetime(2025, 1, 1, tzinfo=UTC), Activity.COMMENTS, -1)
