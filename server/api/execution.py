"""graphql-core execution with a short cut for plain fields.

Profiling the case view (a hundred versions and a hundred comment threads: some 300 objects and 3,000
fields) showed graphql-core's per-field machinery as most of its time: a path, a resolve info, the
resolver call and two or three levels of `complete_value` for every `id`, `label` and `author`.
strawberry's "basic" fields only read an attribute; for those this computes the same answer directly:

- a scalar or enum field: read and serialize (a leaf);
- an object field, or a list of objects, whose whole selection is made of such fields: the sub-tree
  is completed by a plain recursive loop.

Anything else (a resolver, arguments, middleware, `is_type_of`, `@defer`) and any value that would
be an error (a missing attribute, a null in a non-null field, an unserializable value) goes the
normal way, so the results and errors are graphql-core's (tests/api/test_execution.py compares them).
A plain sub-tree has no resolver, so computing it again on that way has no side effect.

`execute_fields` is graphql-core 3.3's own with the short cut added: `check_internals` holds what this
module relies on, and the schema uses strawberry's own execution when it fails (server/infra/speedups.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    Undefined,
)
from server.infra.speedups import require_members, require_parameters, require_version


class _Leaf(NamedTuple):
    """A basic scalar or enum field."""

    attribute: str
    read: Callable[[Any, str], Any]
    serialize: Callable[[Any], Any]
    nullable: bool
    # A Python type whose values `serialize` returns unchanged (str for String and ID, bool for Boolean).
    same_as: type | None


class _Nested(NamedTuple):
    """A basic field holding an object, or a list of objects, of a type without `is_type_of`."""

    attribute: str
    read: Callable[[Any, str], Any]
    object_type: GraphQLObjectType
    nullable: bool
    many: bool
    items_nullable: bool


_Plan = _Leaf | _Nested | None


class _Field(NamedTuple):
    """One field of a plain selection, as completed for every object of that selection."""

    response_name: str
    leaf: _Leaf | None
    nested: _Nested | None
    shape: tuple[_Field, ...]  # of a nested field's objects


_SAME = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}
_PLANS: WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], _Plan]] = WeakKeyDictionary()
_UNSET = object()


def check_internals() -> None:
    """Raise `Incompatible` unless graphql-core and strawberry have what this module overrides and reads."""
    require_version("graphql-core", "3.3", "3.4")
    require_version("strawberry-graphql", "0.280", "0.342")
    base = StrawberryGraphQLCoreExecutionContext
    fields = ("self", "parent_type", "source_value", "path", "grouped_field_set", "position_context")
    require_parameters(base.execute_fields, *fields)
    field = ("self", "parent_type", "source", "field_details_list", "path", "position_context")
    require_parameters(base.execute_field, *field)
    require_parameters(base.collect_subfields, "self", "return_type", "field_details_list")
    require_members(base, "schema", "middleware_manager", "is_awaitable", "settle_in_background")
    require_members(GraphQLCoreConverter, "DEFINITION_BACKREF", "_is_default")
    require_members(StrawberryField, "is_basic_field", "python_name", "default_resolver")


def _unwrap(kind: GraphQLOutputType) -> tuple[bool, GraphQLOutputType]:
    """(nullable, the type inside a NonNull)."""
    return (False, kind.of_type) if isinstance(kind, GraphQLNonNull) else (True, kind)


def _plan(schema: GraphQLSchema, parent_type: GraphQLObjectType, field_name: str) -> _Plan:
    field = schema.get_field(parent_type, field_name)
    if field is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or not definition.is_basic_field or definition.python_name is None:
        return None
    nullable, inner = _unwrap(field.type)
    if isinstance(inner, GraphQLScalarType | GraphQLEnumType):
        same_as = _SAME.get(inner) if isinstance(inner, GraphQLScalarType) else None
        return _Leaf(definition.python_name, definition.default_resolver, inner.serialize, nullable, same_as)
    many = isinstance(inner, GraphQLList)
    items_nullable, item = _unwrap(inner.of_type) if isinstance(inner, GraphQLList) else (False, inner)
    if isinstance(item, GraphQLObjectType) and item.is_type_of is None:
        read = definition.default_resolver
        return _Nested(definition.python_name, read, item, nullable, many, items_nullable)
    return None


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, with plain fields computed directly (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans = _PLANS.setdefault(self.schema, {})
        manager = self.middleware_manager
        self._plain = manager is None or not manager.middlewares
        # Per request: whether a collected selection is plain all the way down (keyed by its id,
        # with the selection kept alive so the id cannot be reused).
        self._pure: dict[int, tuple[Any, bool]] = {}
        self._shapes: dict[int, tuple[Any, tuple[_Field, ...]]] = {}

    def _plan_of(self, parent_type: GraphQLObjectType, node: Any) -> _Plan:
        if not self._plain or node.arguments:
            return None
        key = (parent_type.name, node.name.value)
        try:
            return self._plans[key]
        except KeyError:
            plan = self._plans[key] = _plan(self.schema, parent_type, node.name.value)
            return plan

    def _selection(self, plan: _Nested, field_details_list: Any) -> Any:
        """The collected sub-selection of a nested field when it is plain all the way down, else None."""
        grouped, deferred, *_rest = self.collect_subfields(plan.object_type, field_details_list)
        if deferred:
            return None
        known = self._pure.get(id(grouped))
        if known is None:
            known = (grouped, self._is_pure(plan.object_type, grouped))
            self._pure[id(grouped)] = known
        return grouped if known[1] else None

    def _is_pure(self, object_type: GraphQLObjectType, grouped: Any) -> bool:
        for field_details_list in grouped.values():
            plan = self._plan_of(object_type, field_details_list[0].node)
            if plan is None:
                return False
            if isinstance(plan, _Nested) and self._selection(plan, field_details_list) is None:
                return False
        return True

    def _shape(self, object_type: GraphQLObjectType, grouped: Any) -> tuple[_Field, ...]:
        """The fields of a pure selection, worked out once per request."""
        known = self._shapes.get(id(grouped))
        if known is None:
            fields = []
            for response_name, field_details_list in grouped.items():
                plan = self._plans[(object_type.name, field_details_list[0].node.name.value)]
                if isinstance(plan, _Leaf):
                    fields.append(_Field(response_name, plan, None, ()))
                else:
                    assert plan is not None  # a pure selection holds planned fields only
                    sub = self._selection(plan, field_details_list)
                    fields.append(_Field(response_name, None, plan, self._shape(plan.object_type, sub)))
            known = self._shapes[id(grouped)] = (grouped, tuple(fields))
        return known[1]

    @staticmethod
    def _leaf(leaf: _Leaf, source: Any) -> Any:
        """The serialized value, or _UNSET when graphql-core must handle the field (an error)."""
        try:
            value = leaf.read(source, leaf.attribute)
            if value is None:
                return None if leaf.nullable else _UNSET
            if type(value) is leaf.same_as:
                return value
            serialized = leaf.serialize(value)
        except Exception:  # noqa: BLE001 - the normal path reports it as graphql-core does
            return _UNSET
        return _UNSET if serialized is None or serialized is Undefined else serialized

    def _object(self, shape: tuple[_Field, ...], source: Any) -> Any:
        """A plain sub-tree as a dict, or _UNSET at the first value that needs graphql-core."""
        result: dict[str, Any] = {}
        for response_name, leaf, nested, sub in shape:
            if leaf is not None:
                value = self._leaf(leaf, source)
            else:
                assert nested is not None
                value = self._nested(nested, source, sub)
            if value is _UNSET:
                return _UNSET
            result[response_name] = value
        return result

    def _nested(self, plan: _Nested, source: Any, shape: tuple[_Field, ...]) -> Any:
        try:
            value = plan.read(source, plan.attribute)
        except Exception:  # noqa: BLE001 - the normal path reports it as graphql-core does
            return _UNSET
        if value is None:
            return None if plan.nullable else _UNSET
        if not plan.many:
            return self._object(shape, value)
        if not isinstance(value, Iterable) or isinstance(value, str | bytes | dict):
            return _UNSET
        items: list[Any] = []
        for item in value:
            if item is None:
                if not plan.items_nullable:
                    return _UNSET
                items.append(None)
                continue
            completed = self._object(shape, item)
            if completed is _UNSET:
                return _UNSET
            items.append(completed)
        return items

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's execute_fields, with plain fields filled in place; the rest as usual."""
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        try:
            for response_name, field_details_list in grouped_field_set.items():
                plan = self._plan_of(parent_type, field_details_list[0].node)
                if isinstance(plan, _Leaf):
                    value = self._leaf(plan, source_value)
                elif isinstance(plan, _Nested) and (grouped := self._selection(plan, field_details_list)):
                    value = self._nested(plan, source_value, self._shape(plan.object_type, grouped))
                else:
                    value = _UNSET
                if value is not _UNSET:
                    results[response_name] = value
                    continue
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()
