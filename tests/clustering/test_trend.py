from datetime import UTC, date, datetime, timedelta, timezone

from server.clustering.trend import WeekCount, week_start, weekly_counts


def test_weeks_start_on_monday_in_utc() -> None:
    assert week_start(datetime(2025, 6, 8, 23, 30, tzinfo=UTC)) == date(2025, 6, 2)  # Sunday
    assert week_start(datetime(2025, 6, 9, 0, 0, tzinfo=UTC)) == date(2025, 6, 9)  # Monday
    # Monday 01:00 in Shanghai is still Sunday in UTC
    assert week_start(datetime(2025, 6, 9, 1, 0, tzinfo=timezone(timedelta(hours=8)))) == date(2025, 6, 2)
    assert week_start(datetime(2025, 6, 9, 1, 0)) == date(2025, 6, 9)  # naive is UTC


def test_counts_with_empty_weeks_filled() -> None:
    moments = [
        datetime(2025, 6, 3, tzinfo=UTC),
        datetime(2025, 6, 4, tzinfo=UTC),
        datetime(2025, 6, 18, tzinfo=UTC),
    ]
    assert weekly_counts(moments) == [
        WeekCount(date(2025, 6, 2), 2),
        WeekCount(date(2025, 6, 9), 0),
        WeekCount(date(2025, 6, 16), 1),
    ]


def test_counts_over_a_requested_range() -> None:
    since, until = datetime(2025, 5, 28, tzinfo=UTC), datetime(2025, 6, 10, tzinfo=UTC)
    assert weekly_counts([datetime(2025, 6, 3, tzinfo=UTC)], since=since, until=until) == [
        WeekCount(date(2025, 5, 26), 0),
        WeekCount(date(2025, 6, 2), 1),
        WeekCount(date(2025, 6, 9), 0),
    ]
    assert weekly_counts([]) == []
