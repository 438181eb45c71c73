"""Every named operation in graphql/operations runs on a real server with realistic variables, and
every one that takes an id answers NOT_FOUND alike for another team's object and a missing one.

A new operation needs a fixture below (its variables, and the foreign ids to try): the tests fail
until it has one.
"""

import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from graphql import OperationDefinitionNode, OperationType, parse
from server.domain.comments.mentions import mention_markup
from server.infra.ids import new_id
from server.models import User, UserRole
from tests.support.gqlws import GqlWs
from tests.support.live import Member, live_server
from tests.support.operation_world import (
    ADJUST,
    RESOLVE_COMMENT,
    World,
    add_comment,
    build_world,
    notification,
    pending_adjustment,
    pending_order,
    redemption,
    snapshot,
)
from tests.support.people import PASSWORD, make_person

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


Variables = dict[str, Any]
PAIN_POINT_OPERATIONS = "tests/api/test_painpoint_operations.py"
CLUSTER_EVENTS = "tests/api/test_cluster_events.py"


async def _fresh_login(world: World) -> Variables:
    person = await make_person(world.live.db, f"{uuid.uuid4().hex[:8]}@a.com")
    return {"email": person.email, "password": person.password}


async def _fresh_token(world: World) -> str:
    return (await world.live.member()).token


async def _team_admin(world: World) -> str:
    """A fresh admin of team A (the world's people), signed in."""
    return (await world.live.member(f"admin-{uuid.uuid4().hex[:8]}@a.com", role=UserRole.ADMIN)).token


async def _teammate(world: World) -> Variables:
    """A fresh person of team A for an admin to act on (the world's own people stay as they are)."""
    return {"userId": (await world.live.member(f"{uuid.uuid4().hex[:8]}@a.com")).person.id}


async def _deactivated(world: World) -> Variables:
    variables = await _teammate(world)
    async with world.live.db.transaction() as session:
        user = await session.get_one(User, variables["userId"])
        user.active = False
    return variables


async def _new_role(world: World) -> Variables:
    return {**await _teammate(world), "role": "RD"}


async def _redeemable(world: World) -> Variables:
    await world.live.gql.data(ADJUST, {"u": world.editor.person.id, "d": 10}, world.hr.token)
    return {"rewardId": world.reward_id, "idempotencyKey": new_id()}


async def _own_redemption(world: World) -> Variables:
    return {"id": await redemption(world.live, world.hr, world.editor, world.reward_id)}


async def _requested(world: World, reason: str | None = None) -> Variables:
    redemption_id = await redemption(world.live, world.hr, world.editor, world.reward_id)
    return {"id": redemption_id} if reason is None else {"id": redemption_id, "reason": reason}


async def _approved(world: World) -> Variables:
    return {"id": await redemption(world.live, world.hr, world.editor, world.reward_id, approved=True)}


async def _pending_order(world: World, reason: str | None = None) -> Variables:
    order_id = await pending_order(world.live, world.owner, world.case_id)
    return {"orderId": order_id} if reason is None else {"orderId": order_id, "reason": reason}


async def _pending_adjustment(world: World) -> Variables:
    """Requested by a second HR person of team A, so `world.hr` may approve it."""
    person = await make_person(world.live.db, f"hr2-{uuid.uuid4().hex[:8]}@a.com", role=UserRole.HR)
    second = Member(person, await world.live.gql.login(person.email, person.password))
    return {"requestId": await pending_adjustment(world.live, second, world.editor)}


async def _own_pending_adjustment(world: World) -> Variables:
    """Requested by `world.hr`, who may withdraw (reject) it."""
    request_id = await pending_adjustment(world.live, world.hr, world.editor)
    return {"requestId": request_id, "reason": "金额填错了"}


async def _comment_id(world: World) -> Variables:
    return {"id": await add_comment(world.live, world.owner, world.case_id)}


async def _thread(world: World) -> Variables:
    return {"commentId": await add_comment(world.live, world.owner, world.case_id)}


async def _resolved(world: World) -> Variables:
    thread = await add_comment(world.live, world.owner, world.case_id)
    await world.live.gql.data(RESOLVE_COMMENT, {"c": thread}, world.owner.token)
    return {"commentId": thread}


async def _reply(world: World) -> Variables:
    return {
        "commentId": await add_comment(world.live, world.owner, world.case_id),
        "body": "Yes, since Monday.",
    }


async def _edit(world: World) -> Variables:
    return {
        "commentId": await add_comment(world.live, world.owner, world.case_id),
        "body": "Which gateway, exactly?",
    }


async def _unread(world: World) -> Variables:
    return {"ids": [await notification(world.live, world.editor, world.owner, world.case_id)]}


@dataclass(frozen=True)
class Fixture:
    variables: Callable[[World], Awaitable[Variables] | Variables]
    # Overrides that point the operation at team B's objects (each must answer NOT_FOUND).
    foreign: Callable[[World], list[Variables]] = lambda _w: []
    token: Callable[[World], Awaitable[str] | str] = lambda w: w.owner.token
    # For subscriptions: what makes the server send an event.
    trigger: Callable[[World], Awaitable[Any]] | None = None
    anonymous: bool = field(default=False)
    # Operations whose success path needs heavy setup run in the test named here instead (which this
    # checks executes them); their foreign ids are still tried below.
    executed_in: str | None = None


FIXTURES: dict[str, Fixture] = {
    # auth.graphql
    "Login": Fixture(_fresh_login, anonymous=True),
    "Logout": Fixture(lambda _w: {}, token=_fresh_token),
    "Me": Fixture(lambda _w: {}),
    "DemoLogins": Fixture(lambda _w: {}, anonymous=True),
    # accounts.graphql
    "ChangePassword": Fixture(
        lambda _w: {"current": PASSWORD, "new": "a new passphrase 新密码"}, token=_fresh_token
    ),
    "SignOutEverywhere": Fixture(lambda _w: {}, token=_fresh_token),
    "DeactivateUser": Fixture(
        _teammate, foreign=lambda w: [{"userId": w.outsider.person.id}], token=_team_admin
    ),
    "ReactivateUser": Fixture(
        _deactivated, foreign=lambda w: [{"userId": w.outsider.person.id}], token=_team_admin
    ),
    "SetUserRole": Fixture(
        _new_role,
        foreign=lambda w: [{"userId": w.outsider.person.id}],
        token=_team_admin,
    ),
    # cases.graphql
    "Cases": Fixture(lambda _w: {"first": 10}),
    "Case": Fixture(lambda w: {"id": w.case_id}, foreign=lambda w: [{"id": w.foreign_case_id}]),
    "CreateCase": Fixture(lambda _w: {"input": {"title": "Renewal risk", "customer": "Contoso"}}),
    "AddCaseMember": Fixture(
        lambda w: {"caseId": w.case_id, "userId": w.viewer.person.id, "role": "COMMENTER"},
        foreign=lambda w: [{"caseId": w.foreign_case_id}, {"userId": w.outsider.person.id}],
    ),
    # sync.graphql
    "SyncTicket": Fixture(lambda w: {"caseId": w.case_id}, foreign=lambda w: [{"caseId": w.foreign_case_id}]),
    # users.graphql
    "Users": Fixture(lambda _w: {"search": "user", "first": 10}),
    # snapshots.graphql
    "Snapshots": Fixture(
        lambda w: {"caseId": w.case_id, "first": 10}, foreign=lambda w: [{"caseId": w.foreign_case_id}]
    ),
    "Snapshot": Fixture(lambda w: {"id": w.v2}, foreign=lambda w: [{"id": w.foreign_snapshot_id}]),
    "SnapshotDiff": Fixture(
        lambda w: {"fromId": w.v1, "toId": w.v2},
        foreign=lambda w: [{"fromId": w.foreign_snapshot_id}, {"toId": w.foreign_snapshot_id}],
    ),
    "CreateSnapshot": Fixture(
        lambda w: {"caseId": w.case_id, "label": "Before the customer call"},
        foreign=lambda w: [{"caseId": w.foreign_case_id}],
        token=lambda w: w.editor.token,
    ),
    "RestoreSnapshot": Fixture(
        lambda w: {"snapshotId": w.v1}, foreign=lambda w: [{"snapshotId": w.foreign_snapshot_id}]
    ),
    # points.graphql: people
    "MyPoints": Fixture(lambda _w: {"first": 10}, token=lambda w: w.editor.token),
    "MyWallet": Fixture(lambda _w: {}, token=lambda w: w.editor.token),
    "PointRules": Fixture(lambda _w: {}),
    "Rewards": Fixture(lambda _w: {"first": 10}),
    "Reward": Fixture(lambda w: {"id": w.reward_id}, foreign=lambda w: [{"id": w.foreign_reward_id}]),
    "RedeemReward": Fixture(
        _redeemable, foreign=lambda w: [{"rewardId": w.foreign_reward_id}], token=lambda w: w.editor.token
    ),
    "MyRedemptions": Fixture(lambda _w: {"first": 10}, token=lambda w: w.editor.token),
    "Redemption": Fixture(
        _own_redemption, foreign=lambda w: [{"id": w.foreign_redemption_id}], token=lambda w: w.editor.token
    ),
    "PointsEvents": Fixture(
        lambda _w: {},
        token=lambda w: w.viewer.token,
        trigger=lambda w: w.live.gql.data(ADJUST, {"u": w.viewer.person.id, "d": 5}, w.hr.token),
    ),
    # points.graphql: HR
    "UpdatePointRule": Fixture(
        lambda _w: {"action": "SNAPSHOT_NAMED", "input": {"points": 1}}, token=lambda w: w.hr.token
    ),
    "AdjustPoints": Fixture(
        lambda w: {"userId": w.editor.person.id, "delta": 20, "reason": "Ran the customer workshop"},
        foreign=lambda w: [{"userId": w.outsider.person.id}],
        token=lambda w: w.hr.token,
    ),
    "PointAnomalies": Fixture(lambda _w: {"first": 10}, token=lambda w: w.hr.token),
    "TeamBalances": Fixture(lambda _w: {"first": 20}, token=lambda w: w.hr.token),
    "PersonLedger": Fixture(lambda w: {"search": w.editor.person.email}, token=lambda w: w.hr.token),
    "CreateReward": Fixture(
        lambda _w: {"input": {"name": "Extra day off", "kind": "LEAVE", "cost": 200, "stock": 5}},
        token=lambda w: w.hr.token,
    ),
    "UpdateReward": Fixture(
        lambda w: {"id": w.reward_id, "input": {"cost": 12}},
        foreign=lambda w: [{"id": w.foreign_reward_id}],
        token=lambda w: w.hr.token,
    ),
    "RedemptionQueue": Fixture(lambda _w: {"first": 20}, token=lambda w: w.hr.token),
    "ApproveRedemption": Fixture(
        _requested, foreign=lambda w: [{"id": w.foreign_redemption_id}], token=lambda w: w.hr.token
    ),
    "RejectRedemption": Fixture(
        lambda w: _requested(w, reason="Out of budget this quarter"),
        foreign=lambda w: [{"id": w.foreign_redemption_id}],
        token=lambda w: w.hr.token,
    ),
    "FulfilRedemption": Fixture(
        _approved, foreign=lambda w: [{"id": w.foreign_redemption_id}], token=lambda w: w.hr.token
    ),
    "ContributionRanking": Fixture(
        lambda _w: {"period": "2026"},
        foreign=lambda w: [{"teamId": w.foreign_team_id}],
        token=lambda w: w.hr.token,
    ),
    # points.graphql: case owners
    "RecordOrderWon": Fixture(
        lambda w: {
            "caseId": w.case_id,
            "amount": "125000.50",
            "painPointIds": [],
            "reference": f"SO-{uuid.uuid4().hex[:8]}",
        },
        foreign=lambda w: [{"caseId": w.foreign_case_id}],
    ),
    # approvals.graphql
    "PendingOrders": Fixture(lambda _w: {"first": 20}, token=lambda w: w.hr.token),
    "ApproveOrder": Fixture(
        _pending_order, foreign=lambda w: [{"orderId": w.foreign_order_id}], token=lambda w: w.hr.token
    ),
    "RejectOrder": Fixture(
        lambda w: _pending_order(w, reason="订单号查不到"),
        foreign=lambda w: [{"orderId": w.foreign_order_id}],
        token=lambda w: w.hr.token,
    ),
    "PendingAdjustments": Fixture(lambda _w: {"first": 20}, token=lambda w: w.hr.token),
    "ApproveAdjustment": Fixture(
        _pending_adjustment,
        foreign=lambda w: [{"requestId": w.foreign_adjustment_id}],
        token=lambda w: w.hr.token,
    ),
    "RejectAdjustment": Fixture(
        _own_pending_adjustment,
        foreign=lambda w: [{"requestId": w.foreign_adjustment_id}],
        token=lambda w: w.hr.token,
    ),
    # comments.graphql
    "CaseComments": Fixture(
        lambda w: {"caseId": w.case_id, "first": 20}, foreign=lambda w: [{"caseId": w.foreign_case_id}]
    ),
    "Comment": Fixture(_comment_id, foreign=lambda w: [{"id": w.foreign_comment_id}]),
    "AddComment": Fixture(
        lambda w: {"input": {"caseId": w.case_id, "body": "Which gateway?", "range": {"start": 0, "end": 8}}},
        foreign=lambda w: [
            {"input": {"caseId": w.foreign_case_id, "body": "x", "range": {"start": 0, "end": 3}}}
        ],
    ),
    "ReplyToComment": Fixture(_reply, foreign=lambda w: [{"commentId": w.foreign_comment_id}]),
    "EditComment": Fixture(_edit, foreign=lambda w: [{"commentId": w.foreign_comment_id}]),
    "ResolveComment": Fixture(_thread, foreign=lambda w: [{"commentId": w.foreign_comment_id}]),
    "ReopenComment": Fixture(_resolved, foreign=lambda w: [{"commentId": w.foreign_comment_id}]),
    "DeleteComment": Fixture(_thread, foreign=lambda w: [{"commentId": w.foreign_comment_id}]),
    "CommentEvents": Fixture(
        lambda w: {"caseId": w.case_id},
        foreign=lambda w: [{"caseId": w.foreign_case_id}],
        token=lambda w: w.viewer.token,
        trigger=lambda w: add_comment(w.live, w.owner, w.case_id),
    ),
    # notifications.graphql
    "Notifications": Fixture(lambda _w: {"first": 20}),
    "MarkNotificationsRead": Fixture(_unread, foreign=lambda w: [{"ids": [w.foreign_notification_id]}]),
    "MarkAllNotificationsRead": Fixture(lambda _w: {}),
    "NotificationEvents": Fixture(
        lambda _w: {},
        token=lambda w: w.editor.token,
        trigger=lambda w: add_comment(
            w.live, w.owner, w.case_id, f"{mention_markup('you', w.editor.person.id)} hi"
        ),
    ),
    # painpoints.graphql: the model they need to succeed runs in that file's own test
    "SubmitPainPoint": Fixture(
        lambda w: {"input": {"caseId": w.case_id, "text": "Checkout times out at peak hours"}},
        foreign=lambda w: [{"input": {"caseId": w.foreign_case_id, "text": "Checkout times out"}}],
        executed_in=PAIN_POINT_OPERATIONS,
    ),
    "SubmitPainPoints": Fixture(
        lambda w: {"inputs": [{"caseId": w.case_id, "text": "SSO login loops"}]},
        foreign=lambda w: [{"inputs": [{"caseId": w.foreign_case_id, "text": "SSO login loops"}]}],
        executed_in=PAIN_POINT_OPERATIONS,
    ),
    "ResubmitTicket": Fixture(
        lambda w: {"id": new_id(), "text": "Bank transfer fails"},
        foreign=lambda w: [{"id": w.foreign_ticket_id}],
        executed_in=PAIN_POINT_OPERATIONS,
    ),
    "MyRectificationTickets": Fixture(lambda _w: {}, executed_in=PAIN_POINT_OPERATIONS),
    "CasePainPoints": Fixture(
        lambda w: {"caseId": w.case_id},
        foreign=lambda w: [{"caseId": w.foreign_case_id}],
        executed_in=PAIN_POINT_OPERATIONS,
    ),
    "PainPoint": Fixture(
        lambda _w: {"id": new_id()},
        foreign=lambda w: [{"id": w.foreign_pain_point_id}],
        executed_in=PAIN_POINT_OPERATIONS,
    ),
    "PainPointClusters": Fixture(
        lambda _w: {}, token=lambda w: w.rd.token, executed_in=PAIN_POINT_OPERATIONS
    ),
    "PainPointCluster": Fixture(
        lambda _w: {"id": new_id()},
        foreign=lambda w: [{"id": w.foreign_cluster_id}],
        token=lambda w: w.rd.token,
        executed_in=PAIN_POINT_OPERATIONS,
    ),
    "UnclusteredPainPoints": Fixture(
        lambda _w: {}, token=lambda w: w.rd.token, executed_in=PAIN_POINT_OPERATIONS
    ),
    "ClusterRuns": Fixture(lambda _w: {}, token=lambda w: w.rd.token, executed_in=PAIN_POINT_OPERATIONS),
    "AdoptPainPoint": Fixture(
        lambda _w: {"id": new_id(), "note": "On the Q3 roadmap"},
        foreign=lambda w: [{"id": w.foreign_pain_point_id}],
        token=lambda w: w.rd.token,
        executed_in=PAIN_POINT_OPERATIONS,
    ),
    "WithdrawPainPoint": Fixture(
        lambda _w: {"id": new_id(), "reason": "The customer retracted it"},
        foreign=lambda w: [{"id": w.foreign_pain_point_id}],
        executed_in=PAIN_POINT_OPERATIONS,
    ),
    "ReclusterPainPoints": Fixture(
        lambda _w: {},
        foreign=lambda w: [{"scope": {"teamId": w.foreign_team_id}}],
        token=lambda w: w.rd.token,
        executed_in=PAIN_POINT_OPERATIONS,
    ),
    "Job": Fixture(
        lambda _w: {"id": new_id()},
        foreign=lambda w: [{"id": w.foreign_job_id}],
        token=lambda w: w.rd.token,
        executed_in=PAIN_POINT_OPERATIONS,
    ),
    "ClusterEvents": Fixture(lambda _w: {}, token=lambda w: w.rd.token, executed_in=CLUSTER_EVENTS),
    "PainPointEvents": Fixture(
        lambda w: {"caseId": w.case_id},
        foreign=lambda w: [{"caseId": w.foreign_case_id}],
        executed_in="tests/api/test_painpoint_events.py",
    ),
    # heatmaps.graphql
    "ContributionHeatmap": Fixture(
        lambda w: {"caseId": w.case_id, "bucket": "DAY"},
        foreign=lambda w: [{"caseId": w.foreign_case_id}, {"caseId": None, "teamId": w.foreign_team_id}],
    ),
    "SectionHeatmap": Fixture(
        lambda w: {"caseId": w.case_id}, foreign=lambda w: [{"caseId": w.foreign_case_id}]
    ),
    "SnapshotEvents": Fixture(
        lambda w: {"caseId": w.case_id},
        foreign=lambda w: [{"caseId": w.foreign_case_id}],
        token=lambda w: w.viewer.token,
        trigger=lambda w: snapshot(w.live, w.owner.token, w.case_id, "Triggered"),
    ),
}


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
    assert not missing, f"add a fixture to tests/test_operations.py for: {', '.join(missing)}"
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
