"""`User.regions`: the regions a person works in, readable by that person and by their team's admins only,
alike from the team's list (`users`) and from any other place a person appears (a case's members)."""

from server.infra.db import Database
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.people import make_person

PEOPLE = "{ users(first: 50) { nodes { id regions } } }"
ME = "{ me { id regions } }"
MEMBERS = "query($c: ID!) { case(id: $c) { members { user { id regions } } } }"
SET = "mutation($u: ID!, $r: [String!]!) { setUserRegions(userId: $u, regions: $r) }"


async def test_a_persons_regions_are_theirs_and_their_admins_to_read(api: GraphQL, app_db: Database) -> None:
    admin = await make_person(app_db, "admin@a.com", role=UserRole.ADMIN)
    agent = await make_person(app_db, "agent@a.com", name="王小明")
    colleague = await make_person(app_db, "colleague@a.com", name="Colleague")
    await make_person(app_db, "admin@b.com", role=UserRole.ADMIN, team="Team B")
    admin_token = await api.login(admin.email, admin.password)
    agent_token = await api.login(agent.email, agent.password)
    colleague_token = await api.login(colleague.email, colleague.password)
    await api.data('mutation { setTeamRegions(regions: ["华南", "EMEA"]) }', token=admin_token)
    await api.data(SET, {"u": agent.id, "r": ["EMEA", "华南"]}, admin_token)

    listed = {u["id"]: u["regions"] for u in (await api.data(PEOPLE, token=admin_token))["users"]["nodes"]}
    assert listed == {admin.id: [], agent.id: ["EMEA", "华南"], colleague.id: []}
    assert (await api.data(ME, token=agent_token))["me"] == {"id": agent.id, "regions": ["EMEA", "华南"]}

    refused = await api.error(PEOPLE, token=colleague_token)
    assert set(refused.codes) == {"FORBIDDEN"}

    # A case's members are built from another read: the same rule, by another path.
    case_id = await api.create_case(agent_token, title="广州续约 Guangzhou renewal")
    own = (await api.data(MEMBERS, {"c": case_id}, agent_token))["case"]["members"]
    assert [m["user"] for m in own] == [{"id": agent.id, "regions": ["EMEA", "华南"]}]
    await api.add_member(agent_token, case_id, colleague.id, "VIEWER")
    for token in (agent_token, colleague_token):  # each sees the other's entry in the list
        refused = await api.error(MEMBERS, {"c": case_id}, token)
        assert set(refused.codes) == {"FORBIDDEN"}
