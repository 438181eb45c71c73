"""What each named operation in graphql/operations runs with in tests/test_operations.py: its
variables, the token it runs as, the foreign ids that must answer NOT_FOUND, and for a subscription what
makes the server send an event. A new operation needs an entry in FIXTURES."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from server.domain.comments.mentions import mention_markup
from server.infra.ids import new_id
from tests.support import operation_inputs as inputs
from tests.support.operation_inputs import Variables
from tests.support.operation_world import (
    ADJUST,
    World,
    add_comment,
    snapshot,
)
from tests.support.people import PASSWORD

PAIN_POINT_OPERATIONS = "tests/api/test_painpoint_operations.py"
CLUSTER_EVENTS = "tests/api/test_cluster_events.py"
PROPOSAL_OPERATIONS = "tests/api/test_proposal_operations.py"
KNOWLEDGE_OPERATIONS = "tests/api/test_knowledge_operations.py"
MASKED_DOCUMENT_EVENTS = "tests/api/test_masked_document_events.py"


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
    "Login": Fixture(inputs.fresh_login, anonymous=True),
    "Logout": Fixture(lambda _w: {}, token=inputs.fresh_token),
    "Me": Fixture(lambda _w: {}),
    "DemoLogins": Fixture(lambda _w: {}, anonymous=True),
    # audit.graphql
    "AuditVerification": Fixture(lambda _w: {}, token=inputs.team_admin),
    # accounts.graphql
    "ChangePassword": Fixture(
        lambda _w: {"current": PASSWORD, "new": "a new passphrase 新密码"}, token=inputs.fresh_token
    ),
    "SignOutEverywhere": Fixture(lambda _w: {}, token=inputs.fresh_token),
    "DeactivateUser": Fixture(
        inputs.teammate, foreign=lambda w: [{"userId": w.outsider.person.id}], token=inputs.team_admin
    ),
    "ReactivateUser": Fixture(
        inputs.deactivated, foreign=lambda w: [{"userId": w.outsider.person.id}], token=inputs.team_admin
    ),
    "SetUserRole": Fixture(
        inputs.new_role,
        foreign=lambda w: [{"userId": w.outsider.person.id}],
        token=inputs.team_admin,
    ),
    # cases.graphql
    "Cases": Fixture(
        lambda _w: {
            "first": 10,
            "query": "案例 case",
            "customer": "Contoso",
            "myRole": "OWNER",
            "archived": None,
        }
    ),
    "CaseCustomers": Fixture(lambda _w: {}),
    "ArchiveCase": Fixture(inputs.own_case, foreign=lambda w: [{"caseId": w.foreign_case_id}]),
    "UnarchiveCase": Fixture(inputs.archived_case, foreign=lambda w: [{"caseId": w.foreign_case_id}]),
    "Case": Fixture(lambda w: {"id": w.case_id}, foreign=lambda w: [{"id": w.foreign_case_id}]),
    "CreateCase": Fixture(lambda _w: {"input": {"title": "Renewal risk", "customer": "Contoso"}}),
    "AddCaseMember": Fixture(
        lambda w: {"caseId": w.case_id, "userId": w.viewer.person.id, "role": "COMMENTER"},
        foreign=lambda w: [{"caseId": w.foreign_case_id}, {"userId": w.outsider.person.id}],
    ),
    # sync.graphql
    "SyncTicket": Fixture(lambda w: {"caseId": w.case_id}, foreign=lambda w: [{"caseId": w.foreign_case_id}]),
    # A policy that masks the customer is what lets a reader subscribe: the world has none (a member is
    # refused with NOT_FOUND like a foreigner), so the masked reader's test runs it.
    "MaskedDocumentEvents": Fixture(
        lambda w: {"caseId": w.case_id},
        foreign=lambda w: [{"caseId": w.foreign_case_id}],
        executed_in=MASKED_DOCUMENT_EVENTS,
    ),
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
        inputs.authorization,
        foreign=lambda w: [{"requestId": w.foreign_access_request_id}],
    ),
    "ApproveMaterialAccess": Fixture(
        inputs.approval,
        foreign=lambda w: [{"requestId": w.foreign_access_request_id}],
        token=inputs.legal_token,
    ),
    "RejectMaterialAccess": Fixture(
        inputs.rejection, foreign=lambda w: [{"requestId": w.foreign_access_request_id}]
    ),
    "RevokeMaterialAccess": Fixture(inputs.revocation, foreign=lambda w: [{"grantId": w.foreign_grant_id}]),
    "MaterialDownloadLink": Fixture(
        inputs.granted_material,
        foreign=lambda w: [{"materialId": w.foreign_material_id}],
        token=lambda w: w.editor.token,
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
        inputs.redeemable,
        foreign=lambda w: [{"rewardId": w.foreign_reward_id}],
        token=lambda w: w.editor.token,
    ),
    "MyRedemptions": Fixture(lambda _w: {"first": 10}, token=lambda w: w.editor.token),
    "Redemption": Fixture(
        inputs.own_redemption,
        foreign=lambda w: [{"id": w.foreign_redemption_id}],
        token=lambda w: w.editor.token,
    ),
    "PointsEvents": Fixture(
        lambda _w: {},
        token=lambda w: w.viewer.token,
        trigger=lambda w: w.live.gql.data(ADJUST, {"u": w.viewer.person.id, "d": 5}, w.hr.token),
    ),
    "RewardEvents": Fixture(
        lambda _w: {},
        token=lambda w: w.viewer.token,
        trigger=lambda w: w.live.gql.data(
            "mutation($id: ID!) { updateReward(id: $id, input: { cost: 13 }) { id } }",
            {"id": w.reward_id},
            w.hr.token,
        ),
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
        inputs.requested, foreign=lambda w: [{"id": w.foreign_redemption_id}], token=lambda w: w.hr.token
    ),
    "RejectRedemption": Fixture(
        lambda w: inputs.requested(w, reason="Out of budget this quarter"),
        foreign=lambda w: [{"id": w.foreign_redemption_id}],
        token=lambda w: w.hr.token,
    ),
    "FulfilRedemption": Fixture(
        inputs.approved, foreign=lambda w: [{"id": w.foreign_redemption_id}], token=lambda w: w.hr.token
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
        inputs.pending_order_variables,
        foreign=lambda w: [{"orderId": w.foreign_order_id}],
        token=lambda w: w.hr.token,
    ),
    "RejectOrder": Fixture(
        lambda w: inputs.pending_order_variables(w, reason="订单号查不到"),
        foreign=lambda w: [{"orderId": w.foreign_order_id}],
        token=lambda w: w.hr.token,
    ),
    "PendingAdjustments": Fixture(lambda _w: {"first": 20}, token=lambda w: w.hr.token),
    "ApproveAdjustment": Fixture(
        inputs.pending_adjustment_variables,
        foreign=lambda w: [{"requestId": w.foreign_adjustment_id}],
        token=lambda w: w.hr.token,
    ),
    "RejectAdjustment": Fixture(
        inputs.own_pending_adjustment,
        foreign=lambda w: [{"requestId": w.foreign_adjustment_id}],
        token=lambda w: w.hr.token,
    ),
    # comments.graphql
    "CaseComments": Fixture(
        lambda w: {"caseId": w.case_id, "first": 20}, foreign=lambda w: [{"caseId": w.foreign_case_id}]
    ),
    "Comment": Fixture(inputs.comment_id, foreign=lambda w: [{"id": w.foreign_comment_id}]),
    "AddComment": Fixture(
        lambda w: {"input": {"caseId": w.case_id, "body": "Which gateway?", "range": {"start": 0, "end": 8}}},
        foreign=lambda w: [
            {"input": {"caseId": w.foreign_case_id, "body": "x", "range": {"start": 0, "end": 3}}}
        ],
    ),
    "ReplyToComment": Fixture(inputs.reply, foreign=lambda w: [{"commentId": w.foreign_comment_id}]),
    "EditComment": Fixture(inputs.edit, foreign=lambda w: [{"commentId": w.foreign_comment_id}]),
    "ResolveComment": Fixture(inputs.thread, foreign=lambda w: [{"commentId": w.foreign_comment_id}]),
    "ReopenComment": Fixture(inputs.resolved, foreign=lambda w: [{"commentId": w.foreign_comment_id}]),
    "DeleteComment": Fixture(inputs.thread, foreign=lambda w: [{"commentId": w.foreign_comment_id}]),
    # Needs a paragraph split in a live document first: tests/api/test_comments.py makes one.
    "MoveCommentAnchor": Fixture(
        inputs.moved_anchor,
        foreign=lambda w: [{"commentId": w.foreign_comment_id}],
        executed_in="tests/api/test_comments.py",
    ),
    "CommentEvents": Fixture(
        lambda w: {"caseId": w.case_id},
        foreign=lambda w: [{"caseId": w.foreign_case_id}],
        token=lambda w: w.viewer.token,
        trigger=lambda w: add_comment(w.live, w.owner, w.case_id),
    ),
    # notifications.graphql
    "Notifications": Fixture(lambda _w: {"first": 20}),
    "MarkNotificationsRead": Fixture(inputs.unread, foreign=lambda w: [{"ids": [w.foreign_notification_id]}]),
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
    # proposals.graphql
    "AdoptCluster": Fixture(
        lambda _w: {"id": new_id(), "note": "Q3 路线图"},
        foreign=lambda w: [{"id": w.foreign_cluster_id}],
        token=lambda w: w.rd.token,
        executed_in=PROPOSAL_OPERATIONS,
    ),
    "RequirementProposals": Fixture(lambda _w: {"status": "OPEN"}, token=lambda w: w.rd.token),
    "RequirementProposal": Fixture(
        lambda _w: {"id": new_id()},
        foreign=lambda w: [{"id": w.foreign_proposal_id}],
        token=lambda w: w.rd.token,
        executed_in=PROPOSAL_OPERATIONS,
    ),
    "UpdateRequirementProposal": Fixture(
        lambda _w: {"id": new_id(), "input": {"status": "ACCEPTED"}},
        foreign=lambda w: [{"id": w.foreign_proposal_id}],
        token=lambda w: w.rd.token,
        executed_in=PROPOSAL_OPERATIONS,
    ),
    # cluster_corrections.graphql
    "ClusterCorrectionHistory": Fixture(
        lambda _w: {"id": new_id()},
        foreign=lambda w: [{"id": w.foreign_cluster_id}],
        token=lambda w: w.rd.token,
        executed_in=PROPOSAL_OPERATIONS,
    ),
    "ClusterChoices": Fixture(lambda _w: {}, token=lambda w: w.rd.token),
    "MovePainPoint": Fixture(
        lambda _w: {"id": new_id(), "toClusterId": new_id()},
        foreign=lambda w: [{"id": w.foreign_pain_point_id}, {"toClusterId": w.foreign_cluster_id}],
        token=lambda w: w.rd.token,
        executed_in=PROPOSAL_OPERATIONS,
    ),
    "UnclusterPainPoint": Fixture(
        lambda _w: {"id": new_id()},
        foreign=lambda w: [{"id": w.foreign_pain_point_id}],
        token=lambda w: w.rd.token,
        executed_in=PROPOSAL_OPERATIONS,
    ),
    "RenameCluster": Fixture(
        lambda _w: {"id": new_id(), "label": "结账失败 Checkout"},
        foreign=lambda w: [{"id": w.foreign_cluster_id}],
        token=lambda w: w.rd.token,
        executed_in=PROPOSAL_OPERATIONS,
    ),
    "UndoClusterCorrection": Fixture(
        lambda _w: {"id": new_id()},
        foreign=lambda w: [{"id": w.foreign_correction_id}],
        token=lambda w: w.rd.token,
        executed_in=PROPOSAL_OPERATIONS,
    ),
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
    # access.graphql
    "TeamRegions": Fixture(lambda _w: {}),
    "SetTeamRegions": Fixture(lambda _w: {"regions": inputs.REGIONS}, token=inputs.team_admin),
    "AccessPeople": Fixture(lambda _w: {"first": 10}, token=inputs.team_admin),
    "SetUserRegions": Fixture(
        inputs.user_regions, foreign=lambda w: [{"userId": w.outsider.person.id}], token=inputs.team_admin
    ),
    "VisibilityPolicies": Fixture(lambda _w: {}, token=inputs.team_admin),
    "CreateVisibilityPolicy": Fixture(
        inputs.new_policy,
        foreign=lambda w: [{"input": inputs.policy_input(w.outsider.person.id)}],
        token=inputs.team_admin,
    ),
    "UpdateVisibilityPolicy": Fixture(
        inputs.policy,
        foreign=lambda w: [{"id": w.foreign_policy_id}, {"input": inputs.policy_input(w.outsider.person.id)}],
        token=inputs.team_admin,
    ),
    "DeleteVisibilityPolicy": Fixture(
        inputs.policy, foreign=lambda w: [{"id": w.foreign_policy_id}], token=inputs.team_admin
    ),
    "MyAccess": Fixture(lambda _w: {}),
    "EffectiveAccess": Fixture(
        lambda w: {"userId": w.editor.person.id},
        foreign=lambda w: [{"userId": w.outsider.person.id}],
        token=inputs.team_admin,
    ),
    "UpdateCase": Fixture(inputs.case_in_region, foreign=lambda w: [{"id": w.foreign_case_id}]),
    # knowledge.graphql: a published case version is heavy setup, run in the test named; team B's TEAM asset
    # answers NOT_FOUND here
    "PreviewKnowledgeAsset": Fixture(lambda _w: {}, executed_in=KNOWLEDGE_OPERATIONS),
    "PublishKnowledgeAsset": Fixture(lambda _w: {}, executed_in=KNOWLEDGE_OPERATIONS),
    "KnowledgeAssets": Fixture(lambda _w: {}, executed_in=KNOWLEDGE_OPERATIONS),
    "ClusterKnowledgeAssets": Fixture(
        lambda _w: {"id": new_id()},
        foreign=lambda w: [{"id": w.foreign_cluster_id}],
        token=lambda w: w.rd.token,
        executed_in="tests/api/test_knowledge_clusters.py",
    ),
    "SimilarKnowledgeAssets": Fixture(lambda _w: {}, executed_in=KNOWLEDGE_OPERATIONS),
    "KnowledgeAsset": Fixture(
        lambda _w: {}, foreign=lambda w: [{"id": w.foreign_asset_id}], executed_in=KNOWLEDGE_OPERATIONS
    ),
    "KnowledgeAssetDiff": Fixture(
        lambda _w: {"fromVersion": 1},
        foreign=lambda w: [{"assetId": w.foreign_asset_id}],
        executed_in=KNOWLEDGE_OPERATIONS,
    ),
    "SubscribeToKnowledgeAsset": Fixture(
        lambda _w: {}, foreign=lambda w: [{"id": w.foreign_asset_id}], executed_in=KNOWLEDGE_OPERATIONS
    ),
    "UnsubscribeFromKnowledgeAsset": Fixture(
        lambda _w: {}, foreign=lambda w: [{"id": w.foreign_asset_id}], executed_in=KNOWLEDGE_OPERATIONS
    ),
    "CreateCaseFromKnowledgeAsset": Fixture(
        lambda _w: {"input": {"title": "T", "customer": "C"}},
        foreign=lambda w: [{"assetId": w.foreign_asset_id}],
        executed_in=KNOWLEDGE_OPERATIONS,
    ),
}
