"""The schema: root types merged from the feature modules, plus the protective extensions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from graphql import GraphQLError
from server.api.errors import ErrorCodes
from server.api.mutations.auth import AuthMutations
from server.api.mutations.cases import CaseMutations
from server.api.mutations.snapshots import SnapshotMutations
from server.api.queries.cases import CaseQueries
from server.api.queries.snapshots import SnapshotQueries
from server.api.queries.users import UserQueries
from server.api.subscriptions.snapshots import SnapshotSubscriptions
from server.config import ConfigError, Settings

Query = merge_types("Query", (UserQueries, CaseQueries, SnapshotQueries))
Mutation = merge_types("Mutation", (AuthMutations, CaseMutations, SnapshotMutations))
Subscription = merge_types("Subscription", (SnapshotSubscriptions,))

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """No logging here: ErrorCodes logs each unexpected error once, with its request id."""


def _limit(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, got {value}")
    return value


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema as served; debug mode keeps introspection and field suggestions."""
    debug = settings.debug if settings is not None else True
    env = settings.extra if settings is not None else {}
    depth = _limit(env, "WARROOM_GRAPHQL_MAX_DEPTH", MAX_DEPTH)
    aliases = _limit(env, "WARROOM_GRAPHQL_MAX_ALIASES", MAX_ALIASES)
    tokens = _limit(env, "WARROOM_GRAPHQL_MAX_TOKENS", MAX_TOKENS)
    # The limiters build their validation rule classes when constructed; building them once keeps
    # the classes stable, so the validation cache (keyed by the rules) hits instead of filling up.
    rules = [
        *QueryDepthLimiter(max_depth=depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=aliases).validation_rules,
        *([] if debug else DisableIntrospection().validation_rules),
    ]
    # Factories, so each request gets fresh extension state; the parse and validation caches
    # live at module level and are shared across requests all the same.
    extensions: list[Callable[[], SchemaExtension]] = [
        ErrorCodes,
        lambda: MaxTokensLimiter(max_token_count=tokens),
        lambda: ParserCache(maxsize=256),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=256),
    ]
    config: Any = StrawberryConfig(disable_field_suggestions=not debug)
    return Schema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions, config=config
    )
