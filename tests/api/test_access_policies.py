"""Regions and visibility policies as data: admin-only, validated, every change audited before/after."""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from server.infra.config import Settings
from server.infra.db import Database
from server.models import AuditEvent, UserRole
from tests.support.audit import served_chain_intact
from tests.support.graphql import GraphQL
from tests.support.people import make_person

REGIONS = "mutation($r: [String!]!) { setTeamRegions(regions: $r) }"
USER_REGIONS = "mutation($u: ID!, $r: [String!]!) { setUserRegions(userId: $u, regions: $r) }"
CREATE_CASE = (
    "mutation($t: String!, $c: String!, $r: String) "
    "{ createCase(input: {title: $t, customer: $c, region: $r}) { id region } }"
)
UPDATE_CASE = (
    "mutation($id: ID!, $r: String) { updateCase(id: $id, input: {region: $r}) { id title region } }"
)
POLICY_FIELDS = "id name appliesTo { roles userIds } scope caseAccess views maxAgeDays maskCustomerFields validFrom validUntil"
CREATE = f"mutation($i: VisibilityPolicyInput!) {{ createVisibilityPolicy(input: $i) {{ {POLICY_FIELDS} }} }}"
UPDATE = f"mutation($id: ID!, $i: VisibilityPolicyInput!) {{ updateVisibilityPolicy(id: $id, input: $i) {{ {POLICY_FIELDS} }} }}"
DELETE = "mutation($id: ID!) { deleteVisibilityPolicy(id: $id) }"
LIST = f"{{ visibilityPolicies {{ {POLICY_FIELDS} }} }}"


def agent_policy(**changes: Any) -> dict[str, Any]:
    return {
        "name": "华南客服 30 天",
        "appliesTo": {"roles": ["MEMBER"], "userIds": []},
        "scope": "REGION_CASES",
        "caseAccess": "NONE",
        "views": ["PAIN_POINTS", "COMMENTS"],
        "maxAgeDays": 30,
        "maskCustomerFields": True,
        **changes,
    }


async def _events(db: Database, action: str) -> list[AuditEvent]:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        )
        return list(rows)


async def test_regions_of_the_team_its_people_and_its_cases(
    api: GraphQL, app_db: Database, settings: Settings
) -> None:
    admin = await make_person(app_db, "admin@a.com", role=UserRole.ADMIN)
    agent = await make_person(app_db, "agent@a.com")
    admin_token = await api.login(admin.email, admin.password)
    agent_token = await api.login(agent.email, agent.password)
    # Only admins set the team's list; names are trimmed, repeats dropped, the order kept.
    assert (await api.error(REGIONS, {"r": ["华南"]}, agent_token)).codes == ["FORBIDDEN"]
    regions = await api.data(REGIONS, {"r": [" 华南 ", "华东", "EMEA", "华南"]}, admin_token)
    assert regions["setTeamRegions"] == ["华南", "华东", "EMEA"]
    assert (await api.data("{ teamRegions }", token=agent_token))["teamRegions"] == ["华南", "华东", "EMEA"]

    assert (await api.error(USER_REGIONS, {"u": agent.id, "r": ["华南"]}, agent_token)).codes == ["FORBIDDEN"]
    unknown = await api.error(USER_REGIONS, {"u": agent.id, "r": ["华北"]}, admin_token)
    assert unknown.codes == ["BAD_INPUT"]
    assert "华北" in unknown.errors[0]["message"]
    set_ = await api.data(USER_REGIONS, {"u": agent.id, "r": ["华南", "华东"]}, admin_token)
    assert set_["setUserRegions"] == ["华南", "华东"]

    case = (await api.data(CREATE_CASE, {"t": "续约", "c": "阿里零售", "r": "华南"}, agent_token))[
        "createCase"
    ]
    assert case["region"] == "华南"
    assert (await api.error(CREATE_CASE, {"t": "x", "c": "y", "r": "Mars"}, agent_token)).codes == [
        "BAD_INPUT"
    ]
    no_region = (await api.data(CREATE_CASE, {"t": "Renewal", "c": "Contoso"}, agent_token))["createCase"]
    assert no_region["region"] is None
    moved = (await api.data(UPDATE_CASE, {"id": case["id"], "r": "EMEA"}, agent_token))["updateCase"]
    assert moved == {"id": case["id"], "title": "续约", "region": "EMEA"}
    # A region still in use cannot leave the list.
    assert (await api.error(REGIONS, {"r": ["华南", "华东"]}, admin_token)).codes == ["CONFLICT"]
    assert (await api.error(REGIONS, {"r": ["EMEA", "华东"]}, admin_token)).codes == ["CONFLICT"]

    # Membership changes carry before and after too.
    await api.add_member(agent_token, case["id"], admin.id, "VIEWER")
    await api.add_member(agent_token, case["id"], admin.id, "EDITOR")
    member_events = await _events(app_db, "case.member_set")
    assert [(e.data["before"], e.data["after"]) for e in member_events] == [
        (None, "viewer"),
        ("viewer", "editor"),
    ]
    (team_event,) = await _events(app_db, "team.regions_set")
    assert team_event.data == {"before": [], "after": ["华南", "华东", "EMEA"]}
    (user_event,) = await _events(app_db, "user.regions_set")
    assert user_event.data["before"] == []
    assert user_event.data["after"] == ["华南", "华东"]
    (case_event,) = await _events(app_db, "case.updated")
    assert case_event.data["before"]["region"] == "华南"
    assert case_event.data["after"]["region"] == "EMEA"
    assert await served_chain_intact(app_db, settings)


async def test_policies_are_admin_data_with_typed_errors_and_audited(
    api: GraphQL, app_db: Database, settings: Settings
) -> None:
    admin = await make_person(app_db, "admin@a.com", role=UserRole.ADMIN)
    member = await make_person(app_db, "member@a.com")
    outsider = await make_person(app_db, "admin@b.com", role=UserRole.ADMIN, team="Team B")
    admin_token = await api.login(admin.email, admin.password)
    member_token = await api.login(member.email, member.password)
    outsider_token = await api.login(outsider.email, outsider.password)

    assert (await api.error(CREATE, {"i": agent_policy()}, member_token)).codes == ["FORBIDDEN"]
    assert (await api.error(LIST, token=member_token)).codes == ["FORBIDDEN"]
    for bad in (
        agent_policy(name="  "),
        agent_policy(appliesTo={"roles": [], "userIds": []}),
        agent_policy(views=[]),
        agent_policy(maxAgeDays=0),
        agent_policy(scope="MEMBER_CASES", caseAccess="VIEWER"),
        # Opening cases and the CASES view go together.
        agent_policy(caseAccess="VIEWER"),
        agent_policy(views=["CASES", "COMMENTS"]),
        agent_policy(validFrom="2030-01-02T00:00:00Z", validUntil="2030-01-01T00:00:00Z"),
        agent_policy(validUntil="2020-01-01T00:00:00Z"),
    ):
        assert (await api.error(CREATE, {"i": bad}, admin_token)).codes == ["BAD_INPUT"], bad
    # Another team's person is as unknown as a made-up id.
    foreign = agent_policy(appliesTo={"roles": [], "userIds": [outsider.id]})
    assert (await api.error(CREATE, {"i": foreign}, admin_token)).codes == ["NOT_FOUND"]

    until = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    created = (await api.data(CREATE, {"i": agent_policy()}, admin_token))["createVisibilityPolicy"]
    assert created["name"] == "华南客服 30 天"
    assert created["views"] == ["PAIN_POINTS", "COMMENTS"]
    auditor = {
        "name": "Auditor, two weeks",
        "appliesTo": {"roles": [], "userIds": [member.id]},
        "scope": "TEAM_CASES",
        "caseAccess": "VIEWER",
        "views": ["CASES", "COMMENTS"],
        "validUntil": until.isoformat(),
    }
    second = (await api.data(CREATE, {"i": auditor}, admin_token))["createVisibilityPolicy"]
    assert second["appliesTo"] == {"roles": [], "userIds": [member.id]}
    assert datetime.fromisoformat(second["validUntil"]) == until

    changed = await api.data(UPDATE, {"id": created["id"], "i": agent_policy(maxAgeDays=7)}, admin_token)
    assert changed["updateVisibilityPolicy"]["maxAgeDays"] == 7
    listed = (await api.data(LIST, token=admin_token))["visibilityPolicies"]
    assert [p["id"] for p in listed] == [created["id"], second["id"]]
    # Another team's admin finds nothing: not in the list, NOT_FOUND to change or delete.
    assert (await api.data(LIST, token=outsider_token))["visibilityPolicies"] == []
    assert (await api.error(UPDATE, {"id": created["id"], "i": agent_policy()}, outsider_token)).codes == [
        "NOT_FOUND"
    ]
    assert (await api.error(DELETE, {"id": created["id"]}, outsider_token)).codes == ["NOT_FOUND"]
    assert (await api.error(DELETE, {"id": created["id"]}, member_token)).codes == ["FORBIDDEN"]
    assert (await api.data(DELETE, {"id": created["id"]}, admin_token))["deleteVisibilityPolicy"] == created[
        "id"
    ]
    assert (await api.error(DELETE, {"id": created["id"]}, admin_token)).codes == ["NOT_FOUND"]

    made = await _events(app_db, "policy.created")
    assert [e.data["before"] for e in made] == [None, None]
    assert made[0].data["after"]["name"] == "华南客服 30 天"
    assert made[0].actor_id == admin.id
    (update_event,) = await _events(app_db, "policy.updated")
    assert update_event.data["before"]["max_age_days"] == 30
    assert update_event.data["after"]["max_age_days"] == 7
    (deleted,) = await _events(app_db, "policy.deleted")
    assert deleted.subject == created["id"]
    assert deleted.data["before"]["max_age_days"] == 7
    assert deleted.data["after"] is None
    assert await served_chain_intact(app_db, settings)
