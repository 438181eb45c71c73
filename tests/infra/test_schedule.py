"""The embedded default's daily schedule, and the arq cron it mirrors."""

import asyncio
from datetime import UTC, datetime, time, timedelta, timezone

from server.infra.config import Settings
from server.infra.schedule import Daily, next_occurrence
from workers.settings import schedule


def test_next_occurrence_is_later_today_or_tomorrow_in_utc() -> None:
    at = time(2, 0)
    assert next_occurrence(datetime(2026, 5, 4, 1, 59, tzinfo=UTC), at) == datetime(
        2026, 5, 4, 2, 0, tzinfo=UTC
    )
    assert next_occurrence(datetime(2026, 5, 4, 2, 0, tzinfo=UTC), at) == datetime(
        2026, 5, 5, 2, 0, tzinfo=UTC
    )
    beijing = timezone(timedelta(hours=8))  # 09:00 in Beijing is 01:00 UTC
    assert next_occurrence(datetime(2026, 5, 4, 9, 0, tzinfo=beijing), at) == datetime(
        2026, 5, 4, 2, 0, tzinfo=UTC
    )


async def test_daily_stops_cleanly_while_waiting() -> None:
    calls: list[int] = []

    async def action() -> None:
        calls.append(1)

    daily = Daily(time(0, 0), action, "test")
    daily.start()
    await asyncio.sleep(0.01)
    await daily.stop()
    assert calls == []


def test_workers_schedule_the_nightly_recluster_at_the_configured_time() -> None:
    (job,) = schedule(Settings.from_env({"WARROOM_RECLUSTER_AT": "03:30"}))
    assert (job.hour, job.minute, job.unique) == (3, 30, True)
    # arq's Redis key for the nightly run stays what it was before the job moved
    assert job.name == "cron:workers.painpoints.recluster_teams"  # (old name kept)
    assert schedule(Settings.from_env({"WARROOM_RECLUSTER_AT": "off"})) == []
