"""What each named operation in graphql/operations runs with in tests/test_operations.py: its
variables, the token it runs as, the foreign ids that must answer NOT_FOUND, and for a subscription what
makes the server send an event. A new operation needs an entry in FIXTURES."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from server.domain.comments.mentions import mention_markup
from server.infra.ids import new_id
from server.models import User, UserRole
from tests.support.live import Member
from tests.support.operation_world import (
    ADJUST,
    RESOLVE_COMMENT,
    World,
    access_request,
    add_comment,
    live_grant,
    notification,
    pending_adjustment,
    pending_order,
    redemption,
    snapshot,
    team_legal,
)
from tests.support.people import PASSWORD, make_person

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


async def _authorization(world: World) -> Variables:
    return {"requestId": await access_request(world), "evidence": "客户邮件 2026-12-01 (customer's e-mail)"}


async def _approval(world: World) -> Variables:
    return {"requestId": await access_request(world), "hours": 48, "downloads": 2}


async def _legal_token(world: World) -> str:
    return (await team_legal(world)).token


async def _rejection(world: World) -> Variables:
    return {"requestId": await access_request(world), "reason": "客户未同意 (no consent)"}


async def _revocation(world: World) -> Variables:
    return {"grantId": await live_grant(world)}


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
    # audit.graphql
    "AuditVerification": Fixture(lambda _w: {}, token=_team_admin),
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
    # materials.graphql
    "CaseMaterials": Fixture(
        lambda w: {"caseId": w.case_id}, foreign=lambda w: [{"caseId": w.foreign_case_id}]
    ),
    "Material": Fixture(lambda w: {"id": w.material_id}, foreign=lambda w: [{"id": w.foreign_material_id}]),
    "UpdateMaterialSummary": Fixture(
        lambda w: {"id": w.material_id, "summary": "交付周期的讨论 (delivery lead time)"},
        foreign=lambda w: [{"id": w.foreign_material_id}],
    ),
    # material_access.graphql
    "MaterialAccessRequests": Fixture(
        lambda w: {"materialId": w.material_id}, foreign=lambda w: [{"materialId": w.foreign_material_id}]
    ),
    "MyMaterialGrants": Fixture(lambda _w: {}, token=lambda w: w.editor.token),
    "MaterialAccessLog": Fixture(
        lambda w: {"materialId": w.material_id}, foreign=lambda w: [{"materialId": w.foreign_material_id}]
    ),
    "RequestMaterialAccess": Fixture(
        lambda w: {"materialId": w.material_id, "reason": "核对客户原话 (the customer's exact words)"},
        foreign=lambda w: [{"materialId": w.foreign_material_id}],
        token=lambda w: w.viewer.token,
    ),
    "RecordCustomerAuthorization": Fixture(
        _authorization,
        foreign=lambda w: [{"requestId": w.foreign_access_request_id}],
    ),
    "ApproveMaterialAccess": Fixture(
        _approval, foreign=lambda w: [{"requestId": w.foreign_access_request_id}], token=_legal_token
    ),
    "RejectMaterialAccess": Fixture(
        _rejection, foreign=lambda w: [{"requestId": w.foreign_access_request_id}]
    ),
    "RevokeMaterialAccess": Fixture(_revocation, foreign=lambda w: [{"grantId": w.foreign_grant_id}]),
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
