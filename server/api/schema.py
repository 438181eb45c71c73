"""The schema: root types merged from the feature modules, plus the protective extensions."""

from __future__ import annotations

from collections.abc import Callable
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
from server.api.mutations.clusters import ClusterMutations
from server.api.mutations.comments import CommentMutations
from server.api.mutations.notifications import NotificationMutations
from server.api.mutations.orders import OrderMutations
from server.api.mutations.painpoints import PainPointMutations
from server.api.mutations.points import PointsMutations
from server.api.mutations.redemptions import RedemptionMutations
from server.api.mutations.rewards import RewardMutations
from server.api.queries.cases import CaseQueries
from server.api.queries.clusters import ClusterQueries
from server.api.queries.comments import CommentQueries
from server.api.queries.heatmaps import HeatmapQueries
from server.api.queries.notifications import NotificationQueries
from server.api.queries.painpoints import PainPointQueries
from server.api.queries.points import PointsQueries
from server.api.queries.rewards import RewardQueries
from server.api.queries.users import UserQueries
from server.api.subscriptions.clusters import ClusterSubscriptions
from server.api.subscriptions.comments import CommentSubscriptions
from server.api.subscriptions.notifications import NotificationSubscriptions
from server.api.subscriptions.points import PointsSubscriptions
from server.config import Settings

Query = merge_types(
    "Query",
    (
        UserQueries,
        CaseQueries,
        CommentQueries,
        NotificationQueries,
        PointsQueries,
        RewardQueries,
        HeatmapQueries,
        PainPointQueries,
        ClusterQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AuthMutations,
        CaseMutations,
        CommentMutations,
        NotificationMutations,
        PointsMutations,
        RewardMutations,
        RedemptionMutations,
        OrderMutations,
        PainPointMutations,
        ClusterMutations,
    ),
)
Subscription = merge_types(
    "Subscription",
    (CommentSubscriptions, NotificationSubscriptions, PointsSubscriptions, ClusterSubscriptions),
)

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """No logging here: ErrorCodes logs each unexpected error once, with its request id."""


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema as served; debug mode keeps introspection and field suggestions."""
    debug = settings.debug if settings is not None else True
    limits = settings.extra if settings is not None else {}
    depth = int(limits.get("WARROOM_GRAPHQL_MAX_DEPTH", MAX_DEPTH))
    aliases = int(limits.get("WARROOM_GRAPHQL_MAX_ALIASES", MAX_ALIASES))
    tokens = int(limits.get("WARROOM_GRAPHQL_MAX_TOKENS", MAX_TOKENS))
    # The limiters make a new rule class per instance, which would key every request's validation
    # apart and defeat the validation cache: make their rules once, add the same ones each time.
    rules = [
        *QueryDepthLimiter(max_depth=depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=aliases).validation_rules,
    ]
    # Factories, so each request gets fresh extension state; the parse and validation caches
    # live at module level and are shared across requests all the same.
    extensions: list[Callable[[], SchemaExtension]] = [
        ErrorCodes,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=tokens),
    ]
    if not debug:
        extensions.append(DisableIntrospection)
    config: Any = StrawberryConfig(disable_field_suggestions=not debug)
    return Schema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions, config=config
    )
