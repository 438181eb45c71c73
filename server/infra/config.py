"""Settings read once from WARROOM_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

N = TypeVar("N", int, float)

_TRUE = {"1", "true", "yes", "on"}


class ConfigError(ValueError):
    """A WARROOM_* variable holds a value that cannot be used."""


def _number(env: Mapping[str, str], name: str, default: N, parse: Callable[[str], N], minimum: N) -> N:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = parse(raw)
    except ValueError:
        kind = "an integer" if parse is int else "a number"
        raise ConfigError(f"{name} must be {kind}, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    return _number(env, name, default, int, minimum)


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    return _number(env, name, default, float, 0.0)


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    value = _float(env, name, default)
    if value <= 0:
        raise ConfigError(f"{name} must be more than 0, got {value}")
    return value


def int_setting(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    """An integer knob read from `settings.extra` (or any env mapping), checked like the built-in ones."""
    return _number(env, name, default, int, minimum)


def float_setting(env: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    """A number knob read from `settings.extra` (or any env mapping), checked like the built-in ones."""
    return _number(env, name, default, float, minimum)


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in _TRUE


@dataclass(frozen=True)
class Settings:
    """Everything the server and the workers can be configured with."""

    data_dir: Path = Path("var")
    database_url: str = ""
    redis_url: str | None = None
    redis_prefix: str = "warroom"
    jobs: str = "auto"
    host: str = "127.0.0.1"
    port: int = 8000
    debug: bool = False
    demo: bool = False
    log_level: str = "info"
    log_format: str = "auto"
    sqlite_synchronous: str = "NORMAL"
    token_ttl_hours: int = 24 * 14
    # A token unused this long is invalid; live connections are checked against revocation every
    # `session_check_seconds` (docs/security.md, Sessions).
    token_idle_hours: float = 72.0
    session_check_seconds: float = 10.0
    sync_ticket_seconds: int = 60
    max_frame_bytes: int = 8 * 1024 * 1024
    room_idle_seconds: float = 5.0
    ws_ping_seconds: float = 20.0
    compact_every_updates: int = 500
    frontend_dir: Path = Path("frontend/dist")
    # The speed-ups that reach into libraries' internals (server/infra/speedups.py); off: the libraries'
    # own path.
    fast_graphql: bool = True
    fast_websocket: bool = True
    fast_sqlite_reads: bool = True
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def queue_name(self) -> str:
        """The arq queue the servers fill and the workers drain."""
        return f"{self.redis_prefix}:queue"

    @property
    def uses_arq(self) -> bool:
        return self.redis_url is not None and self.jobs in ("auto", "arq")

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "warroom.db"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from `env` (default: the process environment)."""
        env = os.environ if env is None else env
        data_dir = Path(env.get("WARROOM_DATA_DIR") or "var")
        database_url = env.get("WARROOM_DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'warroom.db'}"
        if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ConfigError(
                "WARROOM_DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        if env.get("WARROOM_JOBS") == "arq" and not env.get("WARROOM_REDIS_URL"):
            raise ConfigError("WARROOM_JOBS=arq needs WARROOM_REDIS_URL")
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            redis_url=env.get("WARROOM_REDIS_URL") or None,
            redis_prefix=env.get("WARROOM_REDIS_PREFIX") or "warroom",
            jobs=_choice(env, "WARROOM_JOBS", "auto", ("auto", "inprocess", "arq")),
            host=env.get("WARROOM_HOST") or "127.0.0.1",
            port=_int(env, "WARROOM_PORT", 8000, minimum=0),
            debug=_bool(env, "WARROOM_DEBUG", False),
            demo=_bool(env, "WARROOM_DEMO", False),
            log_level=(env.get("WARROOM_LOG_LEVEL") or "info").lower(),
            log_format=_choice(env, "WARROOM_LOG_FORMAT", "auto", ("auto", "json", "text")),
            sqlite_synchronous=_choice(
                env, "WARROOM_SQLITE_SYNCHRONOUS", "normal", ("normal", "full")
            ).upper(),
            token_ttl_hours=_int(env, "WARROOM_TOKEN_TTL_HOURS", 24 * 14, minimum=1),
            token_idle_hours=_positive(env, "WARROOM_TOKEN_IDLE_HOURS", 72.0),
            session_check_seconds=_positive(env, "WARROOM_SESSION_CHECK_SECONDS", 10.0),
            sync_ticket_seconds=_int(env, "WARROOM_SYNC_TICKET_SECONDS", 60, minimum=1),
            max_frame_bytes=_int(env, "WARROOM_MAX_FRAME_BYTES", 8 * 1024 * 1024, minimum=1024),
            room_idle_seconds=_float(env, "WARROOM_ROOM_IDLE_SECONDS", 5.0),
            ws_ping_seconds=_float(env, "WARROOM_WS_PING_SECONDS", 20.0),
            compact_every_updates=_int(env, "WARROOM_COMPACT_EVERY", 500, minimum=10),
            frontend_dir=Path(env.get("WARROOM_FRONTEND_DIR") or "frontend/dist"),
            fast_graphql=_bool(env, "WARROOM_FAST_GRAPHQL", True),
            fast_websocket=_bool(env, "WARROOM_FAST_WEBSOCKET", True),
            fast_sqlite_reads=_bool(env, "WARROOM_FAST_SQLITE_READS", True),
            extra={k: v for k, v in env.items() if k.startswith("WARROOM_")},
        )
