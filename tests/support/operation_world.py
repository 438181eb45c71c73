"""The world the operations test runs in: team A's case with text, versions, comments, points and pain
points, and team B's own of each (whose ids every operation must answer NOT_FOUND for)."""

import uuid
from dataclasses import dataclass

from server.domain.comments.mentions import mention_markup
from server.infra.ids import new_id
from server.models import (
    Cluster,
    ClusterCorrection,
    ClusterRun,
    Job,
    PainPoint,
    RectificationTicket,
    RequirementProposal,
    User,
    UserRole,
)
from tests.support import materials
from tests.support.documents import write
from tests.support.live import Live, Member
from tests.support.people import make_person


@dataclass
class World:
    """Team A's case with text and two versions, and team B's own case and version."""

    live: Live
    owner: Member
    editor: Member
    viewer: Member
    case_id: str
    v1: str
    v2: str
    outsider: Member
    foreign_case_id: str
    foreign_snapshot_id: str
    hr: Member
    foreign_hr: Member
    reward_id: str
    foreign_reward_id: str
    foreign_redemption_id: str
    foreign_team_id: str
    foreign_comment_id: str
    foreign_notification_id: str
    rd: Member
    team_id: str
    foreign_pain_point_id: str
    foreign_ticket_id: str
    foreign_cluster_id: str
    foreign_job_id: str
    foreign_order_id: str
    foreign_adjustment_id: str
    material_id: str = ""
    foreign_material_id: str = ""
    foreign_access_request_id: str = ""
    foreign_grant_id: str = ""
    foreign_proposal_id: str = ""
    foreign_correction_id: str = ""
    foreign_policy_id: str = ""
    foreign_asset_id: str = ""


CREATE = "mutation($c: ID!, $l: String!) { createSnapshot(caseId: $c, label: $l) { id } }"


async def snapshot(live: Live, token: str, case_id: str, label: str) -> str:
    data = await live.gql.data(CREATE, {"c": case_id, "l": label}, token)
    snapshot_id: str = data["createSnapshot"]["id"]
    return snapshot_id


ADJUST = (
    'mutation($u: ID!, $d: Int!) { adjustPoints(userId: $u, delta: $d, reason: "Seed") { entry { id } } }'
)
CREATE_REWARD = "mutation($i: CreateRewardInput!) { createReward(input: $i) { id } }"
REDEEM = "mutation($r: ID!) { redeemReward(rewardId: $r) { redemption { id } } }"
APPROVE = "mutation($id: ID!) { approveRedemption(id: $id) { id } }"
RECORD_ORDER = (
    "mutation($c: ID!, $r: String!) "
    '{ recordOrderWon(caseId: $c, amount: "88000", painPointIds: [], reference: $r) { id } }'
)
REQUEST_ADJUSTMENT = (
    'mutation($u: ID!) { adjustPoints(userId: $u, delta: 1000, reason: "季度奖励") { request { id } } }'
)


async def pending_order(live: Live, owner: Member, case_id: str) -> str:
    """An order won on `case_id`, recorded by its owner and waiting for an approver."""
    variables = {"c": case_id, "r": f"SO-{uuid.uuid4().hex[:8]}"}
    order_id: str = (await live.gql.data(RECORD_ORDER, variables, owner.token))["recordOrderWon"]["id"]
    return order_id


async def pending_adjustment(live: Live, hr: Member, member: Member) -> str:
    """An adjustment of `member` above the approval threshold, requested by `hr`."""
    data = await live.gql.data(REQUEST_ADJUSTMENT, {"u": member.person.id}, hr.token)
    request_id: str = data["adjustPoints"]["request"]["id"]
    return request_id


async def _hr(live: Live, team: str) -> Member:
    person = await make_person(live.db, f"hr-{uuid.uuid4().hex[:8]}@a.com", role=UserRole.HR, team=team)
    return Member(person, await live.gql.login(person.email, person.password))


async def _reward(live: Live, hr: Member, name: str) -> str:
    variables = {"i": {"name": name, "kind": "TRAINING", "cost": 10}}
    reward_id: str = (await live.gql.data(CREATE_REWARD, variables, hr.token))["createReward"]["id"]
    return reward_id


async def redemption(live: Live, hr: Member, member: Member, reward_id: str, approved: bool = False) -> str:
    await live.gql.data(ADJUST, {"u": member.person.id, "d": 10}, hr.token)
    data = await live.gql.data(REDEEM, {"r": reward_id}, member.token)
    redemption_id: str = data["redeemReward"]["redemption"]["id"]
    if approved:
        await live.gql.data(APPROVE, {"id": redemption_id}, hr.token)
    return redemption_id


async def _team_id(live: Live, member: Member) -> str:
    async with live.db.sessions() as session:
        user = await session.get(User, member.person.id)
        assert user is not None
        assert user.team_id is not None
        return user.team_id


ADD_COMMENT = "mutation($i: AddCommentInput!) { addComment(input: $i) { id } }"
RESOLVE_COMMENT = "mutation($c: ID!) { resolveComment(commentId: $c) { id } }"
UNREAD = "{ notifications(unreadOnly: true, first: 1) { nodes { id } } }"


async def add_comment(
    live: Live, member: Member, case_id: str, body: str = "Is this the gateway upgrade?"
) -> str:
    variables = {"i": {"caseId": case_id, "body": body, "range": {"start": 0, "end": 8}}}
    comment_id: str = (await live.gql.data(ADD_COMMENT, variables, member.token))["addComment"]["id"]
    return comment_id


async def notification(live: Live, author: Member, to: Member, case_id: str) -> str:
    """A mention of `to` by `author`, and the notification it gave `to`."""
    await add_comment(live, author, case_id, f"{mention_markup('you', to.person.id)} please check")
    nodes = (await live.gql.data(UNREAD, token=to.token))["notifications"]["nodes"]
    notification_id: str = nodes[0]["id"]
    return notification_id


async def _team_b_pain_points(
    live: Live, outsider: Member, case_id: str, team_id: str
) -> tuple[str, str, str, str]:
    """Team B's pain point, rectification ticket, cluster and job, stored directly: the model that
    submitting and clustering need is exercised in tests/api/test_painpoint_operations.py."""
    async with live.db.transaction() as session:
        point = PainPoint(case_id=case_id, team_id=team_id, author_id=outsider.person.id, text="Their problem",
                          normalized_text="Their problem", customer="Them")  # fmt: skip
        ticket = RectificationTicket(author_id=outsider.person.id, case_id=case_id, original_text="Ã¼",
                                     customer="Them")  # fmt: skip
        run = ClusterRun(team_id=team_id, job_id=f"run-{uuid.uuid4().hex}", model="m", method="hdbscan",
                         point_count=1, cluster_count=1, unclustered_count=0)  # fmt: skip
        job = Job(name="cluster_pain_points", params={"team_id": team_id}, created_by=outsider.person.id)
        session.add_all([point, ticket, run, job])
        await session.flush()
        cluster = Cluster(run_id=run.id, cluster_id=new_id(), label="theirs", size=1, centroid=b"")
        session.add(cluster)
        return point.id, ticket.id, cluster.cluster_id, job.id


async def build_world(live: Live) -> World:
    case = await live.case(editor="EDITOR", viewer="VIEWER")
    await write(live.db, case.id, case.owner.person.id, "Checkout fails at peak hours", "客户需要更快的交付")
    v1 = await snapshot(live, case.owner.token, case.id, "First look")
    await write(live.db, case.id, case.members["editor"].person.id, "Root cause: payment timeouts")
    v2 = await snapshot(live, case.members["editor"].token, case.id, "Root cause")
    outsider = await live.member(team="Team B")
    foreign_case_id = await live.gql.create_case(outsider.token, title="Their case", customer="Them")
    await write(live.db, foreign_case_id, outsider.person.id, "not yours")
    foreign_snapshot_id = await snapshot(live, outsider.token, foreign_case_id, "Theirs")
    hr, foreign_hr = await _hr(live, "Team A"), await _hr(live, "Team B")
    reward_id = await _reward(live, hr, "Negotiation course")
    foreign_reward_id = await _reward(live, foreign_hr, "Their course")
    foreign_redemption_id = await redemption(live, foreign_hr, outsider, foreign_reward_id)
    await live.gql.add_member(outsider.token, foreign_case_id, foreign_hr.person.id, "COMMENTER")
    foreign_notification_id = await notification(live, outsider, foreign_hr, foreign_case_id)
    foreign_comment_id = await add_comment(live, outsider, foreign_case_id)
    foreign_team_id = await _team_id(live, outsider)
    team_b = await _team_b_pain_points(live, outsider, foreign_case_id, foreign_team_id)
    rd_person = await make_person(live.db, f"rd-{uuid.uuid4().hex[:8]}@a.com", role=UserRole.RD)
    rd = Member(rd_person, await live.gql.login(rd_person.email, rd_person.password))
    await live.gql.add_member(case.owner.token, case.id, rd.person.id, "VIEWER")
    world = World(
        live, case.owner, case.members["editor"], case.members["viewer"], case.id, v1, v2,
        outsider, foreign_case_id, foreign_snapshot_id, hr, foreign_hr, reward_id, foreign_reward_id,
        foreign_redemption_id, foreign_team_id, foreign_comment_id, foreign_notification_id,
        rd, await _team_id(live, case.owner), *team_b,
        await pending_order(live, outsider, foreign_case_id), await pending_adjustment(live, foreign_hr, outsider),
    )  # fmt: skip
    world.material_id = await _material(live, case.owner.token, case.id, "客户需求.txt")
    world.foreign_material_id = await _material(live, outsider.token, foreign_case_id, "theirs.txt")
    world.foreign_access_request_id = (
        await live.gql.data(
            REQUEST_ACCESS, {"m": world.foreign_material_id, "r": "Their audit"}, outsider.token
        )
    )["requestMaterialAccess"]["id"]
    world.foreign_grant_id = await foreign_grant(world)
    world.foreign_proposal_id, world.foreign_correction_id = await _team_b_proposal(world)
    world.foreign_policy_id = await _team_b_policy(world)
    draft = {"caseId": foreign_case_id, "snapshotId": foreign_snapshot_id, "title": "Their playbook"}
    published = await live.gql.data(PUBLISH_ASSET, {"i": draft}, outsider.token)
    world.foreign_asset_id = published["publishKnowledgeAsset"]["id"]
    return world


CREATE_POLICY = "mutation($i: VisibilityPolicyInput!) { createVisibilityPolicy(input: $i) { id } }"


async def _team_b_policy(world: World) -> str:
    """Team B's visibility policy (for its own member), made by its admin."""
    admin = await world.live.member(f"admin-{uuid.uuid4().hex[:8]}@b.com", team="Team B", role=UserRole.ADMIN)
    policy = {
        "name": "Theirs",
        "appliesTo": {"userIds": [world.outsider.person.id]},
        "scope": "TEAM_CASES",
        "caseAccess": "NONE",
        "views": ["COMMENTS"],
    }
    data = await world.live.gql.data(CREATE_POLICY, {"i": policy}, admin.token)
    policy_id: str = data["createVisibilityPolicy"]["id"]
    return policy_id


async def _team_b_proposal(world: World) -> tuple[str, str]:
    """Team B's requirement proposal and correction of its cluster, stored directly (adopting and correcting
    need a real run: tests/api/test_proposal_operations.py)."""
    team_id, author = world.foreign_team_id, world.outsider.person.id
    async with world.live.db.transaction() as session:
        proposal = RequirementProposal(team_id=team_id, cluster_id=world.foreign_cluster_id, run_id=new_id(),
                                       title="theirs", problem_statement="theirs", evidence={}, adopted_by=author)  # fmt: skip
        correction = ClusterCorrection(team_id=team_id, kind="rename", cluster_id=world.foreign_cluster_id,
                                       data={"label": "theirs", "members": []}, created_by=author)  # fmt: skip
        session.add_all([proposal, correction])
        await session.flush()
        return proposal.id, correction.id


PUBLISH_ASSET = "mutation($i: PublishKnowledgeAssetInput!) { publishKnowledgeAsset(input: $i) { id } }"
REQUEST_ACCESS = "mutation($m: ID!, $r: String!) { requestMaterialAccess(materialId: $m, reason: $r) { id } }"
AUTHORIZE_ACCESS = (
    'mutation($r: ID!) { recordCustomerAuthorization(requestId: $r, evidence: "邮件 2026-12-01") { id } }'
)
APPROVE_ACCESS = "mutation($r: ID!) { approveMaterialAccess(requestId: $r) { grant { id } } }"


async def access_request(world: World) -> str:
    """The editor's pending request to open a new material of the case (one per material and person)."""
    material_id = await _material(world.live, world.owner.token, world.case_id, "现场录音转写.txt")
    variables = {"m": material_id, "r": "Check the customer's exact wording"}
    data = await world.live.gql.data(REQUEST_ACCESS, variables, world.editor.token)
    request_id: str = data["requestMaterialAccess"]["id"]
    return request_id


async def team_legal(world: World) -> Member:
    """A fresh person of team A with role legal, signed in."""
    return await world.live.member(f"legal-{uuid.uuid4().hex[:8]}@a.com", role=UserRole.LEGAL)


async def live_grant(world: World) -> str:
    """A grant the editor holds: requested, authorized by the owner and approved by legal."""
    request_id = await access_request(world)
    await world.live.gql.data(AUTHORIZE_ACCESS, {"r": request_id}, world.owner.token)
    legal = await team_legal(world)
    data = await world.live.gql.data(APPROVE_ACCESS, {"r": request_id}, legal.token)
    grant_id: str = data["approveMaterialAccess"]["grant"]["id"]
    return grant_id


ADD_MEMBER = "mutation($c: ID!, $u: ID!) { addCaseMember(caseId: $c, userId: $u, role: VIEWER) { role } }"


async def foreign_grant(world: World) -> str:
    """A grant of team B: a viewer of its case asked, its owner and its legal person agreed."""
    live, gql = world.live, world.live.gql
    asker = await live.member(f"b-{uuid.uuid4().hex[:8]}@b.com", team="Team B")
    await gql.data(ADD_MEMBER, {"c": world.foreign_case_id, "u": asker.person.id}, world.outsider.token)
    variables = {"m": world.foreign_material_id, "r": "Their audit"}
    request_id = (await gql.data(REQUEST_ACCESS, variables, asker.token))["requestMaterialAccess"]["id"]
    await gql.data(AUTHORIZE_ACCESS, {"r": request_id}, world.outsider.token)
    legal = await live.member(f"legal-{uuid.uuid4().hex[:8]}@b.com", team="Team B", role=UserRole.LEGAL)
    data = await gql.data(APPROVE_ACCESS, {"r": request_id}, legal.token)
    grant_id: str = data["approveMaterialAccess"]["grant"]["id"]
    return grant_id


async def _material(live: Live, token: str, case_id: str, name: str) -> str:
    body = materials.form(
        name=name, data="交付周期 delivery lead time\n".encode(), note="From the kickoff call"
    )
    response = await materials.upload(live.gql.client, case_id, token, body)
    assert response.status_code == 201, response.text
    material_id: str = response.json()["id"]
    return material_id
