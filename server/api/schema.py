"""The schema: root types merged from the feature modules, plus the protective extensions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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
from server.api.errors import request_id, with_code
from server.api.limits import Limits
from server.api.mutations.access import AccessMutations
from server.api.mutations.accounts import AccountMutations
from server.api.mutations.approvals import ApprovalMutations
from server.api.mutations.auth import AuthMutations
from server.api.mutations.cases import CaseMutations
from server.api.mutations.cluster_corrections import ClusterCorrectionMutations
from server.api.mutations.clusters import ClusterMutations
from server.api.mutations.comments import CommentMutations
from server.api.mutations.knowledge import KnowledgeMutations
from server.api.mutations.material_access import MaterialAccessMutations
from server.api.mutations.materials import MaterialMutations
from server.api.mutations.notifications import NotificationMutations
from server.api.mutations.orders import OrderMutations
from server.api.mutations.painpoints import PainPointMutations
from server.api.mutations.points import PointsMutations
from server.api.mutations.proposals import ProposalMutations
from server.api.mutations.redemptions import RedemptionMutations
from server.api.mutations.rewards import RewardMutations
from server.api.mutations.snapshots import SnapshotMutations
from server.api.mutations.sync import SyncMutations
from server.api.mutations.webhooks import WebhookMutations
from server.api.one_login import OneLogin
from server.api.queries.access import AccessQueries
from server.api.queries.approvals import ApprovalQueries
from server.api.queries.audit import AuditQueries
from server.api.queries.cases import CaseQueries
from server.api.queries.clusters import ClusterQueries
from server.api.queries.comments import CommentQueries
from server.api.queries.heatmaps import HeatmapQueries
from server.api.queries.knowledge import KnowledgeQueries
from server.api.queries.material_access import MaterialAccessQueries
from server.api.queries.materials import MaterialQueries
from server.api.queries.notifications import NotificationQueries
from server.api.queries.painpoints import PainPointQueries
from server.api.queries.points import PointsQueries
from server.api.queries.proposals import ProposalQueries
from server.api.queries.rewards import RewardQueries
from server.api.queries.snapshots import SnapshotQueries
from server.api.queries.users import UserQueries
from server.api.queries.webhooks import WebhookQueries
from server.api.subscriptions.clusters import ClusterSubscriptions
from server.api.subscriptions.comments import CommentSubscriptions
from server.api.subscriptions.documents import DocumentSubscriptions
from server.api.subscriptions.notifications import NotificationSubscriptions
from server.api.subscriptions.painpoints import PainPointSubscriptions
from server.api.subscriptions.points import PointsSubscriptions
from server.api.subscriptions.snapshots import SnapshotSubscriptions
from server.api.types.common import SCALARS
from server.infra.config import Settings
from server.infra.speedups import GRAPHQL, choose

Query = merge_types(
    "Query",
    (
        UserQueries,
        CaseQueries,
        SnapshotQueries,
        CommentQueries,
        NotificationQueries,
        PointsQueries,
        RewardQueries,
        ApprovalQueries,
        HeatmapQueries,
        PainPointQueries,
        ClusterQueries,
        MaterialQueries,
        MaterialAccessQueries,
        AuditQueries,
        ProposalQueries,
        WebhookQueries,
        AccessQueries,
        KnowledgeQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        AuthMutations,
        AccountMutations,
        CaseMutations,
        SnapshotMutations,
        CommentMutations,
        NotificationMutations,
        PointsMutations,
        RewardMutations,
        RedemptionMutations,
        OrderMutations,
        ApprovalMutations,
        PainPointMutations,
        ClusterMutations,
        ClusterCorrectionMutations,
        ProposalMutations,
        WebhookMutations,
        SyncMutations,
        MaterialMutations,
        MaterialAccessMutations,
        AccessMutations,
        KnowledgeMutations,
    ),
)
Subscription = merge_types(
    "Subscription",
    (
        SnapshotSubscriptions,
        CommentSubscriptions,
        NotificationSubscriptions,
        PointsSubscriptions,
        ClusterSubscriptions,
        PainPointSubscriptions,
        DocumentSubscriptions,
    ),
)


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Give every error its `extensions.code`, masking (and logging) unexpected ones.

        strawberry calls this for the errors of every result: parsing, validation, execution,
        each subscription event, and failures inside extensions (the token limit is one). The
        list is the one the response carries, so it is rewritten in place.
        """
        errors[:] = [with_code(error, request_id(execution_context)) for error in errors]


if TYPE_CHECKING:
    from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


def _fast_execution() -> type[StrawberryGraphQLCoreExecutionContext]:
    from server.api.execution import ExecutionContext, check_internals

    check_internals()
    return ExecutionContext


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema as served; debug mode keeps introspection and field suggestions."""
    debug = settings.debug if settings is not None else True
    # None: strawberry's own execution (switched off, or graphql-core changed under it).
    execution = choose(GRAPHQL, settings is None or settings.fast_graphql, _fast_execution)
    key = (debug, Limits.from_settings(settings), execution)
    if key not in _BUILT:
        _BUILT[key] = _schema(*key)
    return _BUILT[key]


# Built once per process and configuration: building takes 30-200 ms, and nothing in a schema belongs to one
# app (extensions are factories: each request gets fresh state), so the apps of one process share it.
_BUILT: dict[tuple[bool, Limits, type[StrawberryGraphQLCoreExecutionContext] | None], strawberry.Schema] = {}


def _schema(
    debug: bool, limits: Limits, execution: type[StrawberryGraphQLCoreExecutionContext] | None
) -> strawberry.Schema:
    # The limiters build their validation rule classes when constructed; building them once keeps
    # the classes stable, so the validation cache (keyed by the rules) hits instead of filling up.
    rules = [
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
        OneLogin,
        *([] if debug else DisableIntrospection().validation_rules),
    ]
    # Factories, so each request gets fresh extension state; the parse and validation caches
    # live at module level and are shared across requests all the same.
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        lambda: ParserCache(maxsize=256),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=256),
    ]
    config: Any = StrawberryConfig(disable_field_suggestions=not debug, scalar_map=SCALARS)
    return Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=config,
        execution_context_class=execution,
    )
