"""The retry schedule docs/api/painpoints.md documents, and the knobs that change it."""

from __future__ import annotations

import itertools

import pytest

from server.domain.webhooks.config import WebhookConfig
from server.infra.config import ConfigError, Settings


def test_the_default_schedule_is_the_documented_one() -> None:
    moments = WebhookConfig().schedule()
    minutes = [round(m / 60, 1) for m in moments]
    assert minutes[:10] == [0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5, 63.5, 127.5, 255.5]
    assert len(moments) == 19
    assert moments[-1] == 23 * 3600 + 27 * 60 + 30  # the last try, at 23 h 27 min 30 s
    gaps = {round(b - a) for a, b in itertools.pairwise(moments[9:])}
    assert gaps == {2 * 3600 + 8 * 60}  # then every 2 h 8 min


def test_settings_change_the_base_the_window_and_the_address_rule() -> None:
    config = WebhookConfig.from_settings(
        Settings.from_env(
            {
                "WARROOM_WEBHOOK_ALLOW_PRIVATE": "1",
                "WARROOM_WEBHOOK_BACKOFF_SECONDS": "0.5",
                "WARROOM_WEBHOOK_RETRY_SECONDS": "4",
                "WARROOM_WEBHOOK_TIMEOUT_SECONDS": "2.5",
            }
        )
    )
    assert (config.allow_private, config.timeout_seconds) == (True, 2.5)
    assert config.schedule() == [0.0, 0.5, 1.5, 3.5]
    assert WebhookConfig.from_settings(Settings.from_env({})).allow_private is False
    with pytest.raises(ConfigError, match="WARROOM_WEBHOOK_BACKOFF_SECONDS"):
        WebhookConfig.from_settings(Settings.from_env({"WARROOM_WEBHOOK_BACKOFF_SECONDS": "soon"}))


def test_the_sweep_knobs_default_to_five_minutes_and_zero_turns_it_off() -> None:
    assert (WebhookConfig().sweep_seconds, WebhookConfig().overdue_seconds) == (300.0, 300.0)
    env = {"WARROOM_WEBHOOK_SWEEP_SECONDS": "0", "WARROOM_WEBHOOK_OVERDUE_SECONDS": "45"}
    config = WebhookConfig.from_settings(Settings.from_env(env))
    assert (config.sweep_seconds, config.overdue_seconds) == (0.0, 45.0)
    with pytest.raises(ConfigError, match="WARROOM_WEBHOOK_SWEEP_SECONDS"):
        WebhookConfig.from_settings(Settings.from_env({"WARROOM_WEBHOOK_SWEEP_SECONDS": "-1"}))
