"""Reading a `login` call out of a `/graphql` POST without running GraphQL, and answering it RATE_LIMITED.

The sign-in gate uses this to refuse a throttled guess for a fraction of what the full path costs
(validation, execution, the context): the answer is built from the same error as the resolver's, so
it is the same JSON. Only the plain shape is read here: one operation, a mutation whose only field is
`login` with its arguments given; anything else goes the normal way.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import orjson

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    VariableNode,
    parse,
)
from server.api.errors import retry_seconds, with_code
from server.domain.errors import RateLimited

# A sign-in document is a line or two; longer ones (or batches, or other encodings) go the normal way.
MAX_DOCUMENT = 4096


# Refusals kept per document shape: a burst gets the same few answers (the wait in whole seconds).
MAX_ANSWERS = 64


@dataclass(frozen=True)
class _Shape:
    """Where a document's one `login` field is and where its email comes from; its refusals, built once."""

    field: FieldNode
    email: str | None  # the literal, or None when it is the variable `variable`
    variable: str
    answers: dict[tuple[str, int], bytes] = dataclass_field(default_factory=dict, compare=False, repr=False)

    def refused(self, error: RateLimited) -> bytes:
        key = (error.message, retry_seconds(error))
        answer = self.answers.get(key)
        if answer is None:
            located = GraphQLError(error.message, [self.field], path=[_key(self.field)], original_error=error)
            answer = orjson.dumps({"data": None, "errors": [with_code(located, "").formatted]})
            if len(self.answers) >= MAX_ANSWERS:
                self.answers.clear()
            self.answers[key] = answer
        return answer


@dataclass(frozen=True)
class LoginCall:
    email: str
    shape: _Shape

    def refused(self, error: RateLimited) -> bytes:
        """The response body the normal path gives this call when the resolver raises `error`."""
        return self.shape.refused(error)


def _key(field: FieldNode) -> str:
    return (field.alias or field.name).value


def _operation(document: str, name: str | None) -> OperationDefinitionNode | None:
    try:
        parsed = parse(document)
    except GraphQLSyntaxError:
        return None
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


@functools.lru_cache(maxsize=256)
def _shape(document: str, name: str | None) -> _Shape | None:
    operation = _operation(document, name)
    if operation is None or operation.operation != OperationType.MUTATION or operation.directives:
        return None
    selections = operation.selection_set.selections
    if len(selections) != 1 or not isinstance(field := selections[0], FieldNode):
        return None
    if field.name.value != "login" or field.directives:
        return None
    arguments = {a.name.value: a.value for a in field.arguments or ()}
    if set(arguments) != {"email", "password"}:
        return None
    email = arguments["email"]
    if isinstance(email, StringValueNode):
        return _Shape(field, email.value, "")
    if isinstance(email, VariableNode):
        return _Shape(field, None, email.name.value)
    return None


def read_login(body: bytes) -> LoginCall | None:
    """The `login` call a JSON request body makes, or None when it is not plainly one."""
    if len(body) > 4 * MAX_DOCUMENT:
        return None
    try:
        request = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(request, dict):
        return None
    document, name, variables = request.get("query"), request.get("operationName"), request.get("variables")
    if not isinstance(document, str) or len(document) > MAX_DOCUMENT or not isinstance(name, str | None):
        return None
    shape = _shape(document, name)
    if shape is None:
        return None
    if shape.email is not None:
        return LoginCall(shape.email, shape)
    email = variables.get(shape.variable) if isinstance(variables, dict) else None
    return LoginCall(email, shape) if isinstance(email, str) else None
