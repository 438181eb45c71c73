"""Every named operation in graphql/operations runs on a real server with realistic variables, and
every one that takes an id answers NOT_FOUND alike for another team's object and a missing one.

A new operation needs a fixture in tests/support/operation_fixtures.py (its variables, and the foreign ids to try): the tests fail
until it has one.
"""

import re
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from graphql import OperationDefinitionNode, OperationType, parse
from server.infra.ids import new_id
from tests.support.gqlws import GqlWs
from tests.support.live import live_server
from tests.support.operation_fixtures import FIXTURES
from tests.support.operation_inputs import Variables
from tests.support.operation_world import World, build_world

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Operation:
    name: str
    kind: OperationType
    document: str  # the whole file, so its fragments come along
    id_variables: tuple[str, ...]


def _operations() -> dict[str, Operation]:
    found: dict[str, Operation] = {}
    for path in sorted((ROOT / "graphql" / "operations").glob("*.graphql")):
        text = path.read_text()
        for definition in parse(text).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name is not None:
                ids = tuple(
                    v.variable.name.value
                    for v in definition.variable_definitions or ()
                    # A page cursor typed ID names a position, not an object to fetch.
                    if _type_name(v.type) == "ID" and v.variable.name.value != "after"
                )
                found[definition.name.value] = Operation(
                    definition.name.value, definition.operation, text, ids
                )
    return found


def _field(operation: Operation) -> str:
    """The root field an operation asks for (what a test sending its own document would name)."""
    definition = next(
        d for d in parse(operation.document).definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None and d.name.value == operation.name
    )  # fmt: skip
    return str(definition.selection_set.selections[0].name.value)  # type: ignore[attr-defined]


def _type_name(node: Any) -> str:
    while not hasattr(node, "name"):
        node = node.type
    return str(node.name.value)


async def _resolve(value: Awaitable[Any] | Any) -> Any:
    return await value if isinstance(value, Awaitable) else value


async def _run(world: World, operation: Operation, variables: Variables, token: str | None) -> dict[str, Any]:
    """The operation's first result (data and errors), over HTTP or, for a subscription, WebSocket."""
    if operation.kind is not OperationType.SUBSCRIPTION:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        body = {"query": operation.document, "variables": variables, "operationName": operation.name}
        response = await world.live.gql.client.post("/graphql", json=body, headers=headers)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result
    assert token is not None
    socket = await GqlWs.signed_in(f"{world.live.server.ws_url}/graphql", token)
    try:
        fixture = FIXTURES[operation.name]
        await socket.subscribed("1", operation.document, variables, operation_name=operation.name)
        if fixture.trigger is not None:
            await fixture.trigger(world)
        message = await socket.receive()
        assert message.get("id") == "1", message
        return dict(message["payload"]) if message["type"] == "next" else {"errors": message["payload"]}
    finally:
        await socket.close()


@pytest.fixture
async def world(sqlite_url: str, tmp_path: Path) -> AsyncIterator[World]:
    async with live_server(sqlite_url, tmp_path) as live:
        yield await build_world(live)


def test_every_operation_has_a_fixture() -> None:
    missing = sorted(set(_operations()) - set(FIXTURES))
    assert not missing, f"add a fixture to tests/support/operation_fixtures.py for: {', '.join(missing)}"
    stale = sorted(set(FIXTURES) - set(_operations()))
    assert not stale, f"fixtures for operations that no longer exist: {', '.join(stale)}"


async def test_every_operation_executes(world: World) -> None:
    failures = []
    for operation in _operations().values():
        fixture = FIXTURES[operation.name]
        if fixture.executed_in is not None:
            elsewhere = (ROOT / fixture.executed_in).read_text()
            if operation.name not in elsewhere and _field(operation) not in elsewhere:
                failures.append(f"{operation.name}: {fixture.executed_in} does not run it")
            continue
        variables = await _resolve(fixture.variables(world))
        token = None if fixture.anonymous else await _resolve(fixture.token(world))
        result = await _run(world, operation, variables, token)
        if result.get("errors") or not result.get("data"):
            failures.append(f"{operation.name}: {result}")
    assert not failures, "\n".join(failures)


def _fresh_ids(value: Any) -> Any:
    """`value` with every id in it replaced by a new one that names nothing."""
    if isinstance(value, dict):
        return {k: _fresh_ids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fresh_ids(v) for v in value]
    return new_id() if isinstance(value, str) and _ID.fullmatch(value) else value


_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _answer(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (e.get("extensions", {}).get("code"), _ID.sub("<id>", e["message"])) for e in result.get("errors", [])
    ]


async def test_foreign_and_missing_ids_answer_not_found_alike(world: World) -> None:
    checked = 0
    failures = []
    for operation in _operations().values():
        fixture = FIXTURES[operation.name]
        overrides = fixture.foreign(world)
        # Ids may also hide in input objects (AddComment's input.caseId): those list theirs too.
        assert overrides or not operation.id_variables, (
            f"{operation.name} takes an id: give its fixture foreign ids to try"
        )
        for override in overrides:
            base = await _resolve(fixture.variables(world))
            token = await _resolve(fixture.token(world))
            foreign = await _run(world, operation, {**base, **override}, token)
            missing = await _run(world, operation, {**base, **_fresh_ids(override)}, token)
            checked += 1
            if _answer(foreign) != _answer(missing) or {c for c, _ in _answer(foreign)} != {"NOT_FOUND"}:
                failures.append(
                    f"{operation.name} {override}: foreign {_answer(foreign)} / missing {_answer(missing)}"
                )
            if foreign.get("data"):
                failures.append(f"{operation.name} {override}: returned data {foreign['data']}")
    assert not failures, "\n".join(failures)
    assert checked >= 10
