"""graphql-core execution with a short cut for plain scalar fields.

Profiling the case view (a page of 100 versions, about a thousand leaf fields) showed graphql-core's
per-field machinery as most of the time: a resolve info, the resolver call, two levels of
`complete_value` and awaitable checks for every `id` and `label`. For a field that only reads an
attribute and serializes a scalar or an enum (strawberry's "basic" fields, without arguments and
with no middleware around resolvers) this computes the same value directly. Any other field, and
any value that would be an error (missing attribute, null, unserializable), goes the normal way,
so results and errors are exactly graphql-core's (tests/api/test_execution.py compares them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    Undefined,
)


class _Leaf(NamedTuple):
    attribute: str
    read: Callable[[Any, str], Any]
    serialize: Callable[[Any], Any]
    nullable: bool


_Plans = dict[tuple[str, str], _Leaf | None]
_PLANS: WeakKeyDictionary[GraphQLSchema, _Plans] = WeakKeyDictionary()


def _plan(schema: GraphQLSchema, parent_type: GraphQLObjectType, field_name: str) -> _Leaf | None:
    field = schema.get_field(parent_type, field_name)
    if field is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or not definition.is_basic_field or definition.python_name is None:
        return None
    nullable = not isinstance(field.type, GraphQLNonNull)
    named = field.type if not isinstance(field.type, GraphQLNonNull) else field.type.of_type
    if not isinstance(named, GraphQLScalarType | GraphQLEnumType):
        return None
    return _Leaf(definition.python_name, definition.default_resolver, named.serialize, nullable)


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, with basic scalar fields read and serialized in one step."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans = _PLANS.setdefault(self.schema, {})
        manager = self.middleware_manager
        self._plain = manager is None or not manager.middlewares

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        if self._plain and not node.arguments:
            key = (parent_type.name, node.name.value)
            try:
                leaf = self._plans[key]
            except KeyError:
                leaf = self._plans[key] = _plan(self.schema, parent_type, node.name.value)
            if leaf is not None:
                try:
                    value = leaf.read(source, leaf.attribute)
                    if value is None and leaf.nullable:
                        return None
                    serialized = leaf.serialize(value) if value is not None else None
                except Exception:  # noqa: BLE001 - the normal path reports it as graphql-core does
                    serialized = None
                if serialized is not None and serialized is not Undefined:
                    return serialized
        return super().execute_field(parent_type, source, field_details_list, path, position_context)
