"""When the heatmap job is asked for: the delay setting and the one-job-per-window ids."""

import pytest

from server.config import ConfigError, Settings
from server.heatmap_refresh import DEFAULT_DELAY_SECONDS, job_id, refresh_delay, window_of


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
