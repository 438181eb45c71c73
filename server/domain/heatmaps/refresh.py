"""When the heatmap job runs: some seconds after document activity, once per case per time window.

Time is cut into windows of `delay` seconds. Activity in a window asks for the job with the id
`heatmaps:<case>:<window>`, deferred to the window's end: however many updates arrive (on however many
servers), the case's job runs once per window, and it runs after every update of that window. Activity
in the next window gets a new id, so nothing waits behind a job that has already started.

Each case's windows are shifted by a fixed share of `delay` taken from its id (the same on every
server): windows that ended on the clock's multiples of `delay` made every case edited in the same
half-minute refresh at the same instant, and twenty refreshes in a row held up live edits for a few
hundred milliseconds (benchmarks/sync_fanout.py, 20-second runs; docs/benchmarks.md).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Final

from server.domain import job_names
from server.infra.config import ConfigError, Settings
from server.infra.ids import spread_of
from server.infra.job_queues import JobQueue

JOB: Final = job_names.REFRESH_HEATMAPS
DEFAULT_DELAY_SECONDS: Final = 30.0
MIN_DELAY_SECONDS: Final = 0.05
DELAY_SETTING: Final = "WARROOM_HEATMAP_DELAY_SECONDS"


def refresh_delay(settings: Settings) -> float:
    """Seconds between activity and the job (WARROOM_HEATMAP_DELAY_SECONDS, default 30)."""
    raw = settings.extra.get(DELAY_SETTING, "")
    if not raw:
        return DEFAULT_DELAY_SECONDS
    try:
        delay = float(raw)
    except ValueError:
        raise ConfigError(f"{DELAY_SETTING} must be a number of seconds, got {raw!r}") from None
    if not math.isfinite(delay) or delay < MIN_DELAY_SECONDS:
        raise ConfigError(f"{DELAY_SETTING} must be at least {MIN_DELAY_SECONDS}, got {raw!r}")
    return delay


def window_of(now: float, delay: float) -> int:
    """The number of the time window holding `now`."""
    return math.floor(now / delay)


def offset_of(case_id: str, delay: float) -> float:
    """Where the case's windows start, from 0 to `delay`: fixed per case and the same on every server."""
    return spread_of(case_id, delay)


def case_window(case_id: str, now: float, delay: float) -> tuple[int, float]:
    """The case's window holding `now`, and the seconds until that window ends (0 < seconds <= delay)."""
    offset = offset_of(case_id, delay)
    window = window_of(now - offset, delay)
    return window, (window + 1) * delay + offset - now


def job_id(case_id: str, window: int) -> str:
    """The id of a case's job for one window: repeats within the window collapse into one job."""
    return f"heatmaps:{case_id}:{window}"


def schedule(jobs: JobQueue, case_id: str, delay: float, *, now: float | None = None) -> None:
    """Ask for the case's job at the end of the current window (fire and forget)."""
    window, left = case_window(case_id, time.time() if now is None else now, delay)
    jobs.enqueue_soon(JOB, job_id=job_id(case_id, window), defer_by=left, case_id=case_id)


class ActivityDebouncer:
    """The rooms' activity listener: schedules each case's job once per window from this server.

    Remembering the window already asked for keeps a typing room from sending Redis a request per
    keystroke; the job id still collapses what several servers ask for.
    """

    def __init__(self, jobs: JobQueue, delay: float, clock: Callable[[], float] = time.time) -> None:
        self._jobs = jobs
        self._delay = delay
        self._clock = clock
        self._asked: dict[str, int] = {}

    def __call__(self, case_id: str, _author_id: str | None) -> None:
        now = self._clock()
        window, _left = case_window(case_id, now, self._delay)
        if self._asked.get(case_id) == window:
            return
        if len(self._asked) > 10_000:
            self._asked = {case: seen for case, seen in self._asked.items() if seen >= window}
        self._asked[case_id] = window
        schedule(self._jobs, case_id, self._delay, now=now)


def refresh_requester(jobs: JobQueue, settings: Settings) -> Callable[[str], None]:
    """What a request calls for a case whose heatmaps are behind its log."""
    delay = refresh_delay(settings)
    return lambda case_id: schedule(jobs, case_id, delay)
