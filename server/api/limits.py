"""The GraphQL surface's limits, with their WARROOM_GRAPHQL_* knobs (docs/security.md lists them)."""

from __future__ import annotations

from dataclasses import dataclass

from server.api.context import USER_RECHECK_SECONDS
from server.infra.config import Settings, float_setting, int_setting


@dataclass(frozen=True)
class Limits:
    max_depth: int = 10  # nesting of fields in one operation
    max_aliases: int = 30  # aliased fields in one document
    max_tokens: int = 2000  # lexer tokens in one document (stops field-duplication floods early)
    max_subscriptions: int = 20  # operations running at once on one WebSocket
    ws_init_timeout_seconds: float = 10.0  # a WebSocket must send connection_init within this (4408)
    ws_recheck_seconds: float = USER_RECHECK_SECONDS  # a WebSocket's token is looked up again this often

    @classmethod
    def from_settings(cls, settings: Settings | None) -> Limits:
        env = settings.extra if settings is not None else {}
        return cls(
            max_depth=int_setting(env, "WARROOM_GRAPHQL_MAX_DEPTH", cls.max_depth, minimum=1),
            max_aliases=int_setting(env, "WARROOM_GRAPHQL_MAX_ALIASES", cls.max_aliases, minimum=1),
            max_tokens=int_setting(env, "WARROOM_GRAPHQL_MAX_TOKENS", cls.max_tokens, minimum=1),
            max_subscriptions=int_setting(
                env, "WARROOM_GRAPHQL_MAX_SUBSCRIPTIONS", cls.max_subscriptions, minimum=1
            ),
            ws_init_timeout_seconds=float_setting(
                env, "WARROOM_GRAPHQL_WS_INIT_TIMEOUT", cls.ws_init_timeout_seconds, minimum=0.1
            ),
            ws_recheck_seconds=float_setting(
                env, "WARROOM_GRAPHQL_WS_RECHECK_SECONDS", cls.ws_recheck_seconds, minimum=0.1
            ),
        )
