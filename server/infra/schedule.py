"""Daily work for the embedded default, where no arq worker runs cron jobs (the nightly re-cluster)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta

log = logging.getLogger("warroom.schedule")


def next_occurrence(now: datetime, at: time) -> datetime:
    """The first moment strictly after `now` whose UTC time of day is `at`."""
    now = now.astimezone(UTC)
    candidate = datetime.combine(now.date(), at, tzinfo=UTC)
    return candidate if candidate > now else candidate + timedelta(days=1)


class Daily:
    """Calls `action` every day at `at` (UTC) while started; a failing call is logged and tried next day."""

    def __init__(self, at: time, action: Callable[[], Awaitable[object]], name: str) -> None:
        self.at = at
        self.action = action
        self.name = name
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=f"daily-{self.name}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            now = datetime.now(UTC)
            await asyncio.sleep((next_occurrence(now, self.at) - now).total_seconds())
            try:
                await self.action()
            except Exception:
                log.exception("daily %s failed", self.name)
