"""When the heatmap job is asked for: the delay setting and the one-job-per-window ids."""

import os
import subprocess
import sys

import pytest

from server.domain.heatmaps.refresh import (
    DEFAULT_DELAY_SECONDS,
    case_window,
    job_id,
    refresh_delay,
    window_of,
)
from server.infra.config import ConfigError, Settings
from server.infra.ids import new_id


def test_the_delay_defaults_to_thirty_seconds_and_is_configurable() -> None:
    assert refresh_delay(Settings.from_env({})) == DEFAULT_DELAY_SECONDS == 30.0
    assert refresh_delay(Settings.from_env({"WARROOM_HEATMAP_DELAY_SECONDS": "2.5"})) == 2.5


@pytest.mark.parametrize("raw", ["soon", "0", "-1", "nan", "inf"])
def test_a_useless_delay_is_refused_with_the_variable_named(raw: str) -> None:
    with pytest.raises(ConfigError, match="WARROOM_HEATMAP_DELAY_SECONDS"):
        refresh_delay(Settings.from_env({"WARROOM_HEATMAP_DELAY_SECONDS": raw}))


def test_activity_in_one_window_shares_a_job_id_and_the_next_window_gets_a_new_one() -> None:
    delay = 30.0
    ids = {job_id("c", window_of(now, delay)) for now in (3000.0, 3010.5, 3029.999)}
    assert ids == {"heatmaps:c:100"}
    assert job_id("c", window_of(3030.0, delay)) == "heatmaps:c:101"
    assert job_id("d", window_of(3000.0, delay)) != job_id("c", window_of(3000.0, delay))


def test_a_case_keeps_one_window_until_its_end_whenever_its_activity_comes() -> None:
    delay = 30.0
    case_id = new_id()
    window, left = case_window(case_id, 3000.0, delay)
    end = 3000.0 + left
    assert 0 < left <= delay
    for now in (end - delay, end - delay / 2, end - 0.001):
        assert case_window(case_id, now, delay) == (window, end - now)
    assert case_window(case_id, end, delay) == (window + 1, delay)


def test_cases_edited_together_refresh_at_different_moments() -> None:
    """Windows ending on the clock's multiples made every case refresh at once (docs/benchmarks.md)."""
    delay = 30.0
    ends = sorted(3000.0 + case_window(new_id(), 3000.0, delay)[1] for _ in range(20))
    assert len(set(ends)) == 20
    assert ends[-1] - ends[0] > delay / 2


def test_every_process_puts_a_case_in_the_same_window() -> None:
    """Servers must agree on the job id of a window: the offset may not depend on the process."""
    case_id = new_id()
    code = f"from server.domain.heatmaps.refresh import case_window; print(case_window({case_id!r}, 3000.0, 30.0))"
    seen = {
        subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }  # fmt: skip
    assert seen == {str(case_window(case_id, 3000.0, 30.0))}
