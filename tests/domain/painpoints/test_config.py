from datetime import time

import pytest

from server.domain.painpoints.config import PainPointConfig
from server.infra.config import ConfigError, Settings


def _config(**env: str) -> PainPointConfig:
    return PainPointConfig.from_settings(Settings.from_env(env))


def test_defaults() -> None:
    config = _config()
    assert (config.model, config.duplicate_threshold, config.placement_min_similarity) == (None, None, None)
    assert (config.max_chars, config.recluster_at) == (2000, time(2, 0))


def test_values_from_the_environment() -> None:
    config = _config(
        WARROOM_EMBEDDING_MODEL=" /models/paraphrase-multilingual-MiniLM-L12-v2 ",
        WARROOM_DUPLICATE_THRESHOLD="0.9",
        WARROOM_PLACEMENT_THRESHOLD="0.5",
        WARROOM_PAINPOINT_MAX_CHARS="500",
        WARROOM_RECLUSTER_AT="23:15",
    )
    assert config.model == "/models/paraphrase-multilingual-MiniLM-L12-v2"
    assert (config.duplicate_threshold, config.placement_min_similarity, config.max_chars) == (0.9, 0.5, 500)
    assert config.recluster_at == time(23, 15)
    assert _config(WARROOM_RECLUSTER_AT="off").recluster_at is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WARROOM_DUPLICATE_THRESHOLD", "1.5"),
        ("WARROOM_DUPLICATE_THRESHOLD", "high"),
        ("WARROOM_PLACEMENT_THRESHOLD", "0"),
        ("WARROOM_PAINPOINT_MAX_CHARS", "0"),
        ("WARROOM_RECLUSTER_AT", "2am"),
        ("WARROOM_RECLUSTER_AT", "25:00"),
    ],
)
def test_bad_values_are_refused_with_the_variable_named(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        _config(**{name: value})
