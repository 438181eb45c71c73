"""The short cut for plain scalar fields answers exactly as graphql-core's own execution does; switched
off (WARROOM_FAST_GRAPHQL=0), or not fitting the installed libraries, strawberry's own execution serves."""

import asyncio
import enum
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from server.api import execution
from server.api.execution import _PLANS, ExecutionContext, _Nested
from server.api.schema import build_schema
from server.infra import speedups
from server.infra.config import Settings
from server.infra.speedups import Incompatible
from tests.support.gqlws import GqlWs
from tests.support.live import live_server
from tests.support.operations import operation


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Leaf:
    id: strawberry.ID
    name: str
    nickname: str | None
    size: int
    ratio: float
    ok: bool
    colour: Colour
    maybe_colour: Colour | None
    at: datetime
    tags: list[str]
    broken: str  # set to None: a non-null field that resolves to null is an error

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


@strawberry.type
class Box:
    leaf: Leaf
    leaves: list[Leaf]
    missing: Leaf | None
    holes: list[Leaf | None]
    boxes: list["Box"] = strawberry.field(default_factory=list)


def _leaf(i: int, broken: bool = False) -> Leaf:
    return Leaf(
        id=strawberry.ID(f"id-{i}"), name=f"leaf {i}", nickname=None if i % 2 else f"n{i}", size=i,
        ratio=i / 3, ok=i % 2 == 0, colour=Colour.RED if i % 2 else Colour.BLUE,
        maybe_colour=None if i % 3 else Colour.BLUE, at=datetime(2026, 1, 1, i % 24, tzinfo=UTC),
        tags=[f"t{i}"], broken=None if broken else "fine",  # type: ignore[arg-type]
    )  # fmt: skip


@strawberry.type
class Query:
    @strawberry.field
    def box(self) -> Box:
        inner = Box(leaf=_leaf(7), leaves=[_leaf(8)], missing=None, holes=[None, _leaf(9)])
        return Box(
            leaf=_leaf(1), leaves=[_leaf(i) for i in range(6)], missing=None, holes=[None], boxes=[inner]
        )

    @strawberry.field
    def broken_box(self) -> Box | None:
        return Box(
            leaf=_leaf(1, broken=True), leaves=[_leaf(2), _leaf(3, broken=True)], missing=None, holes=[]
        )


FIELDS = "id name nickname size ratio ok colour maybeColour at tags shout renamed: name __typename"
PLAIN = "id name nickname size ratio ok colour maybeColour at renamed: name"
QUERIES = [
    f"{{ box {{ leaf {{ {FIELDS} }} leaves {{ {FIELDS} }} missing {{ id }} }} }}",
    f"{{ box {{ leaf {{ {PLAIN} }} leaves {{ {PLAIN} }} holes {{ id }} boxes {{ leaves {{ {PLAIN} }} holes {{ id }} }} }} }}",
    "{ brokenBox { leaf { id name broken } } }",
    "{ brokenBox { leaves { id broken } holes { id } } }",
    "{ box { leaves { ...F } } } fragment F on Leaf { id name @include(if: false) size @skip(if: true) at }",
    "{ brokenBox { leaf { id broken } leaves { id broken } } }",
    "{ box { leaf { id ... on Leaf { colour } } } }",
]


def _schemas() -> tuple[strawberry.Schema, strawberry.Schema]:
    return (
        strawberry.Schema(query=Query),
        strawberry.Schema(query=Query, execution_context_class=ExecutionContext),
    )


def _result(result: Any) -> tuple[Any, list[tuple[str, Any]]]:
    errors = [(e.message, e.path) for e in result.errors or []]
    return result.data, errors


@pytest.mark.parametrize("query", QUERIES)
async def test_the_short_cut_answers_like_graphql_core(query: str) -> None:
    plain, fast = _schemas()
    expected = _result(await plain.execute(query))
    assert _result(await fast.execute(query)) == expected
    assert _result(await fast.execute(query)) == expected, "the field plans are cached: ask twice"


async def test_errors_keep_their_path_through_the_short_cut() -> None:
    _plain, fast = _schemas()
    data, errors = _result(await fast.execute("{ brokenBox { leaf { id broken } leaves { id broken } } }"))
    assert data == {"brokenBox": None}
    assert errors[0][1] == ["brokenBox", "leaf", "broken"]


async def test_plain_fields_take_the_short_cut_and_others_do_not() -> None:
    _plain, fast = _schemas()
    await fast.execute(QUERIES[0])
    plans = _PLANS[fast._schema]
    assert {name for (kind, name), leaf in plans.items() if kind == "Leaf" and leaf is not None} == {
        "id", "name", "nickname", "size", "ratio", "ok", "colour", "maybeColour", "at",
    }  # fmt: skip
    assert plans[("Leaf", "shout")] is None, "a field with a resolver runs it"
    assert plans[("Leaf", "tags")] is None, "lists of scalars complete the normal way"
    assert isinstance(plans[("Box", "leaf")], _Nested), (
        "an object field is planned; used when its selection is plain"
    )


def test_the_served_schema_uses_it() -> None:
    assert build_schema().execution_context_class is ExecutionContext


def test_switched_off_the_schema_executes_as_strawberry_does() -> None:
    schema = build_schema(Settings(fast_graphql=False))
    assert schema.execution_context_class is StrawberryGraphQLCoreExecutionContext


def test_a_graphql_core_that_moved_on_gets_strawberrys_execution(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def moved_on() -> None:
        raise Incompatible("graphql-core 3.4.0 is outside the range it was written for [3.3, 3.4)")

    monkeypatch.setattr(speedups, "_reported", set())
    monkeypatch.setattr(execution, "check_internals", moved_on)
    with caplog.at_level(logging.WARNING, "warroom.speedups"):
        schema = build_schema(Settings())
    assert schema.execution_context_class is StrawberryGraphQLCoreExecutionContext
    assert "graphql-core 3.4.0 is outside" in caplog.text


async def test_a_server_without_the_short_cut_serves_the_same_answers(
    sqlite_url: str, tmp_path: Path
) -> None:
    """Two servers on one database, one with WARROOM_FAST_GRAPHQL=0: mutations and a subscription go
    through the plain one, and both answer the war room's queries alike."""
    async with (
        live_server(sqlite_url, tmp_path, name="fast") as fast,
        live_server(sqlite_url, tmp_path, {"WARROOM_FAST_GRAPHQL": "0"}, name="plain") as plain,
    ):
        assert "WARROOM_FAST_GRAPHQL=0" in plain.server.logs()
        assert "WARROOM_FAST_GRAPHQL" not in fast.server.logs()
        case = await plain.case(commenter="COMMENTER")
        owner, commenter = case.owner.token, case.members["commenter"].token
        client = await GqlWs.signed_in(f"{plain.server.ws_url}/graphql", owner)
        await client.subscribe("c", operation("CommentEvents"), {"caseId": case.id})
        await asyncio.sleep(0.5)  # the server confirms nothing when a subscription starts listening
        add = operation("AddComment")
        for body in ("Who owns this?", "谁负责这个？"):
            added = await plain.gql.data(add, {"input": {"caseId": case.id, "body": body}}, commenter)
            event = (await client.next_data("c"))["commentEvents"]
            assert (event["kind"], event["comment"]["id"]) == ("ADDED", added["addComment"]["id"])
        await client.close()
        reply = operation("ReplyToComment")
        await plain.gql.data(reply, {"commentId": added["addComment"]["id"], "body": "Me."}, owner)
        for name, variables in (("Case", {"id": case.id}), ("CaseComments", {"caseId": case.id})):
            document = operation(name)
            answer = await plain.gql.data(document, variables, owner)
            assert answer == await fast.gql.data(document, variables, owner), name
        threads = answer["case"]["comments"]["nodes"]
        assert sorted(t["body"] for t in threads) == sorted(["Who owns this?", "谁负责这个？"])
