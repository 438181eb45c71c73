"""The GraphQL surface's limits, with their WARROOM_GRAPHQL_* knobs (docs/security.md lists them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from server.config import ConfigError, Settings


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw}")
    return value


@dataclass(frozen=True)
class Limits:
    max_depth: int = 10  # nesting of fields in one operation
    max_aliases: int = 30  # aliased fields in one document
    max_tokens: int = 2000  # lexer tokens in one document (stops field-duplication floods early)
    max_subscriptions: int = 20  # operations running at once on one WebSocket
    init_timeout_seconds: float = 10.0  # a WebSocket must send connection_init within this

    @classmethod
    def from_settings(cls, settings: Settings | None) -> Limits:
        env = settings.extra if settings is not None else {}
        return cls(
            max_depth=int(_number(env, "WARROOM_GRAPHQL_MAX_DEPTH", cls.max_depth)),
            max_aliases=int(_number(env, "WARROOM_GRAPHQL_MAX_ALIASES", cls.max_aliases)),
            max_tokens=int(_number(env, "WARROOM_GRAPHQL_MAX_TOKENS", cls.max_tokens)),
            max_subscriptions=int(_number(env, "WARROOM_GRAPHQL_MAX_SUBSCRIPTIONS", cls.max_subscriptions)),
            init_timeout_seconds=_number(
                env, "WARROOM_GRAPHQL_INIT_TIMEOUT_SECONDS", cls.init_timeout_seconds
            ),
        )
