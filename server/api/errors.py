"""Errors in responses: domain errors keep their code and message; anything else is masked."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension

from graphql import GraphQLError
from server.domain.errors import DomainError

log = logging.getLogger("warroom.graphql")

UNEXPECTED = "Unexpected error."


class ErrorCodes(SchemaExtension):
    """Give every error a stable `extensions.code`; hide the text of unexpected ones (and log them)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [self._convert(error) for error in result.errors]

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """The same for each event of a subscription (on_operation only sees the stream as a whole)."""
        if getattr(result, "errors", None):
            result.errors = [self._convert(error) for error in result.errors]
        yield

    def _convert(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, DomainError):
            extensions = {"code": original.code}
            return GraphQLError(
                original.message,
                error.nodes,
                error.source,
                error.positions,
                error.path,
                extensions=extensions,
            )
        if original is None or isinstance(original, GraphQLError):
            # Parse and validation errors: the client sent a query that cannot run.
            extensions = dict(error.extensions or {})
            extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
            return GraphQLError(
                error.message, error.nodes, error.source, error.positions, error.path, extensions=extensions
            )
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "")
        log.error("unexpected error in %s", error.path, exc_info=original, extra={"request_id": request_id})
        return GraphQLError(
            UNEXPECTED,
            error.nodes,
            error.source,
            error.positions,
            error.path,
            extensions={"code": "INTERNAL", "requestId": request_id},
        )
