"""Errors in responses: domain errors keep their code and message; anything else is masked."""

from __future__ import annotations

import logging
import math
from typing import Any

from graphql import GraphQLError
from server.domain.errors import DomainError, RateLimited
from server.domain.material_access.errors import NoGrant

log = logging.getLogger("warroom.graphql")

UNEXPECTED = "Unexpected error."


def retry_seconds(error: RateLimited) -> int:
    """`retryAfter`: whole seconds, rounded up (a client that waits this long is let in), at least 1."""
    return max(1, math.ceil(error.retry_after))


def with_code(error: GraphQLError, request_id: str) -> GraphQLError:
    """`error` as clients see it: a domain error's code and message, or a masked, logged failure."""
    original = error.original_error
    if isinstance(original, DomainError):
        extensions: dict[str, object] = {"code": original.code}
        if original.reason is not None:
            extensions["reason"] = original.reason.value
        if isinstance(original, RateLimited):
            extensions["retryAfter"] = retry_seconds(original)
        if isinstance(original, NoGrant):
            # what stands between the caller and the content, as GET /materials/{id}/content names it
            extensions["missing"] = original.missing
        return GraphQLError(
            original.message, error.nodes, error.source, error.positions, error.path, extensions=extensions
        )
    if original is None or isinstance(original, GraphQLError):
        # Parse and validation errors: the client sent a query that cannot run.
        extensions = dict(error.extensions or {})
        extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
        return GraphQLError(
            error.message, error.nodes, error.source, error.positions, error.path, extensions=extensions
        )
    log.error("unexpected error in %s", error.path, exc_info=original, extra={"request_id": request_id})
    return GraphQLError(
        UNEXPECTED,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions={"code": "INTERNAL", "requestId": request_id},
    )


def request_id(execution_context: Any) -> str:
    """The request id of an operation's context ("" when there is none)."""
    return str(getattr(getattr(execution_context, "context", None), "request_id", "") or "")
