import pytest

from server.infra.config import ConfigError, Settings


def test_defaults_are_embedded() -> None:
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite+aiosqlite:///var/warroom.db"
    assert settings.redis_url is None
    assert not settings.uses_arq
    assert settings.max_frame_bytes == 8 * 1024 * 1024
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert (settings.log_level, settings.log_format) == ("info", "auto")
    assert (settings.token_idle_hours, settings.session_check_seconds) == (72, 10)
    assert Settings.from_env({"WARROOM_LOG_FORMAT": "JSON"}).log_format == "json"


def test_the_speedups_are_on_unless_switched_off() -> None:
    assert Settings.from_env({}).fast_graphql
    off = Settings.from_env(
        {"WARROOM_FAST_GRAPHQL": "0", "WARROOM_FAST_WEBSOCKET": "0", "WARROOM_FAST_SQLITE_READS": "0"}
    )
    assert (off.fast_graphql, off.fast_websocket, off.fast_sqlite_reads) == (False, False, False)
    on = Settings.from_env({"WARROOM_FAST_WEBSOCKET": "1", "WARROOM_FAST_SQLITE_READS": ""})
    assert (on.fast_graphql, on.fast_websocket, on.fast_sqlite_reads) == (True, True, True)


def test_redis_means_arq_unless_told_otherwise() -> None:
    assert Settings.from_env({"WARROOM_REDIS_URL": "redis://x"}).uses_arq
    assert not Settings.from_env({"WARROOM_REDIS_URL": "redis://x", "WARROOM_JOBS": "inprocess"}).uses_arq


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"WARROOM_PORT": "eighty"}, "WARROOM_PORT must be an integer"),
        ({"WARROOM_MAX_FRAME_BYTES": "10"}, "at least 1024"),
        ({"WARROOM_DATABASE_URL": "mysql://x"}, "must start with"),
        ({"WARROOM_JOBS": "celery"}, "must be one of"),
        ({"WARROOM_LOG_FORMAT": "logfmt"}, "WARROOM_LOG_FORMAT must be one of auto, json, text"),
        ({"WARROOM_JOBS": "arq"}, "needs WARROOM_REDIS_URL"),
        ({"WARROOM_ROOM_IDLE_SECONDS": "-1"}, "must be at least 0"),
        ({"WARROOM_ROOM_IDLE_SECONDS": "soon"}, "must be a number"),
        ({"WARROOM_WS_PING_SECONDS": "-5"}, "WARROOM_WS_PING_SECONDS must be at least 0"),
        ({"WARROOM_TOKEN_IDLE_HOURS": "0"}, "WARROOM_TOKEN_IDLE_HOURS must be more than 0"),
        ({"WARROOM_SESSION_CHECK_SECONDS": "never"}, "WARROOM_SESSION_CHECK_SECONDS must be a number"),
    ],
)
def test_bad_values_are_refused_with_the_variable_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)
