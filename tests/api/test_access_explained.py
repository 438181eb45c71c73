"""`myAccess` and `effectiveAccess`: which memberships and policies give a person what, now."""

from datetime import UTC, datetime, timedelta

from server.infra.db import Database
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.people import make_person

EXPLAIN = (
    "{ user { id } regions memberships { caseId caseTitle role } "
    "policies { policyId name because scope caseAccess views maxAgeDays maskCustomerFields validUntil } }"
)
MINE = f"{{ myAccess {EXPLAIN} }}"
THEIRS = f"query($u: ID!) {{ effectiveAccess(userId: $u) {EXPLAIN} }}"
CREATE = "mutation($i: VisibilityPolicyInput!) { createVisibilityPolicy(input: $i) { id } }"
UPDATE = (
    "mutation($id: ID!, $i: VisibilityPolicyInput!) { updateVisibilityPolicy(id: $id, input: $i) { id } }"
)


async def test_why_can_i_see_this(api: GraphQL, app_db: Database) -> None:
    admin = await make_person(app_db, "admin@a.com", role=UserRole.ADMIN)
    agent = await make_person(app_db, "agent@a.com", name="王小明")
    stranger = await make_person(app_db, "agent@b.com", team="Team B")
    admin_token = await api.login(admin.email, admin.password)
    agent_token = await api.login(agent.email, agent.password)
    await api.data('mutation { setTeamRegions(regions: ["华南", "华东"]) }', token=admin_token)
    await api.data(
        'mutation($u: ID!) { setUserRegions(userId: $u, regions: ["华南"]) }', {"u": agent.id}, admin_token
    )
    case_id = await api.create_case(agent_token, title="广州续约", customer="阿里零售")
    until = datetime.now(UTC) + timedelta(hours=1)
    agent_policy = {
        "name": "华南客服",
        "appliesTo": {"roles": ["MEMBER"]},
        "scope": "REGION_CASES",
        "caseAccess": "NONE",
        "views": ["COMMENTS", "PAIN_POINTS"],
        "maxAgeDays": 30,
        "maskCustomerFields": True,
        "validUntil": until.isoformat(),
    }
    policy_id = (await api.data(CREATE, {"i": agent_policy}, admin_token))["createVisibilityPolicy"]["id"]

    mine = (await api.data(MINE, token=agent_token))["myAccess"]
    assert mine["user"]["id"] == agent.id
    assert mine["regions"] == ["华南"]
    assert mine["memberships"] == [{"caseId": case_id, "caseTitle": "广州续约", "role": "OWNER"}]
    (grant,) = mine["policies"]
    assert grant["policyId"] == policy_id
    assert grant["because"] == "ROLE"
    assert (grant["scope"], grant["caseAccess"], grant["maxAgeDays"]) == ("REGION_CASES", "NONE", 30)
    assert grant["views"] == ["PAIN_POINTS", "COMMENTS"]
    assert grant["maskCustomerFields"] is True
    assert (await api.data(THEIRS, {"u": agent.id}, admin_token))["effectiveAccess"] == mine

    # Expired by an update (validUntil now): it no longer applies, with no job to run.
    expired = {**agent_policy, "validFrom": None, "validUntil": datetime.now(UTC).isoformat()}
    await api.data(UPDATE, {"id": policy_id, "i": expired}, admin_token)
    assert (await api.data(MINE, token=agent_token))["myAccess"]["policies"] == []

    assert (await api.error(THEIRS, {"u": admin.id}, agent_token)).codes == ["FORBIDDEN"]
    assert (await api.error(THEIRS, {"u": stranger.id}, admin_token)).codes == ["NOT_FOUND"]
    assert (await api.error(THEIRS, {"u": "made-up"}, admin_token)).codes == ["NOT_FOUND"]
