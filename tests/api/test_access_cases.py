"""Cases under visibility policies: a director's read-only access and 'why', and an expired policy (who
opens what, for each role of issue 18, is in the matrix: tests/api/test_access_matrix.py)."""

from datetime import timedelta

from sqlalchemy import update

from server.domain.access import policies
from server.domain.cases import actions as cases
from server.infra.db import Database
from server.models import AccessView, CaseAccess, CaseRole, PolicyScope, User, VisibilityPolicy
from server.models.base import utcnow
from tests.support.access import build
from tests.support.graphql import GraphQL

CASE = (
    "query($id: ID!) { case(id: $id) { id region customer myRole accessVia { membership role policyName } } }"
)
LIST = "{ cases { nodes { id myRole } } }"


async def test_a_director_reads_region_cases_read_only_and_knows_why(api: GraphQL, app_db: Database) -> None:
    world = await build(app_db, api)
    token = world.tokens["director"]
    south = world.cases["south"]
    case = (await api.data(CASE, {"id": south}, token))["case"]
    assert case["region"] == "华南"
    assert case["customer"] == "阿里零售"
    assert case["myRole"] == "VIEWER"
    assert case["accessVia"] == {
        "membership": False,
        "role": "VIEWER",
        "policyName": "Regional director, read-only",
    }
    owner_view = (await api.data(CASE, {"id": south}, world.tokens["owner"]))["case"]
    assert owner_view["accessVia"] == {"membership": True, "role": "OWNER", "policyName": None}
    # Read-only: no writes, no comments, no members; FORBIDDEN (the case is visible, so nothing leaks).
    rename = 'mutation($id: ID!) { updateCase(id: $id, input: {title: "改名"}) { id } }'
    assert (await api.error(rename, {"id": south}, token)).codes == ["FORBIDDEN"]
    add = "mutation($c: ID!, $u: ID!) { addCaseMember(caseId: $c, userId: $u, role: EDITOR) { role } }"
    assert (await api.error(add, {"c": south, "u": world.people["director"].id}, token)).codes == [
        "FORBIDDEN"
    ]
    # A case of the director's region that a policy opens can still be read through its fields.
    fields = "query($id: ID!) { case(id: $id) { text members { role } comments { nodes { id } } } }"
    read = (await api.data(fields, {"id": south}, token))["case"]
    assert read["text"] == ""
    assert [m["role"] for m in read["members"]] == ["OWNER"]
    # Its comments too, one by one; a comment one may not see is NOT_FOUND like a missing one.
    add = 'mutation($c: ID!) { addComment(input: {caseId: $c, body: "华南客户要求降价"}) { id } }'
    comment_id = (await api.data(add, {"c": south}, world.tokens["owner"]))["addComment"]["id"]
    one = "query($id: ID!) { comment(id: $id) { id body } }"
    assert (await api.data(one, {"id": comment_id}, token))["comment"]["body"] == "华南客户要求降价"
    assert (await api.error(add, {"c": south}, token)).codes == ["FORBIDDEN"]
    for outsider in ("member", "rd"):
        assert (await api.error(one, {"id": comment_id}, world.tokens[outsider])).codes == ["NOT_FOUND"]
    # The agent's COMMENTS view (华南, 30 days) opens this new comment, though not its case.
    assert (await api.data(one, {"id": comment_id}, world.tokens["agent"]))["comment"]["id"] == comment_id


async def test_an_expired_policy_closes_the_cases_it_opened(api: GraphQL, app_db: Database) -> None:
    world = await build(app_db, api)
    token = world.tokens["auditor"]
    assert len((await api.data(LIST, token=token))["cases"]["nodes"]) == 4
    async with app_db.transaction() as session:
        await session.execute(
            update(VisibilityPolicy)
            .where(VisibilityPolicy.id == world.policies["auditor"])
            .values(valid_until=utcnow() - timedelta(seconds=1))
        )
    assert (await api.data(LIST, token=token))["cases"]["nodes"] == []
    assert (await api.error(CASE, {"id": world.cases["south"]}, token)).codes == ["NOT_FOUND"]


REASONS = "query($id: ID!) { case(id: $id) { accessReasons { membership role policyName } accessVia { policyName } } }"


async def test_every_reason_to_open_a_case_is_listed(api: GraphQL, app_db: Database) -> None:
    world = await build(app_db, api)
    async with app_db.transaction() as session:
        admin = await session.get_one(User, world.people["admin"].id)
        await policies.create_policy(
            session,
            admin,
            policies.PolicyInput(
                name="Whole team, read-only",
                user_ids=[world.people["director"].id],
                scope=PolicyScope.TEAM_CASES,
                case_access=CaseAccess.VIEWER,
                views=[AccessView.CASES],
            ),
        )
        owner = await session.get_one(User, world.people["owner"].id)
        await cases.add_member(
            session,
            owner,
            case_id=world.cases["east"],
            member_id=world.people["director"].id,
            role=CaseRole.COMMENTER,
        )
    token = world.tokens["director"]
    region = {"membership": False, "role": "VIEWER", "policyName": "Regional director, read-only"}
    team = {"membership": False, "role": "VIEWER", "policyName": "Whole team, read-only"}
    member = {"membership": True, "role": "COMMENTER", "policyName": None}
    expected = {"south": [region, team], "east": [member, region, team], "emea": [team]}
    for key, reasons in expected.items():
        case = (await api.data(REASONS, {"id": world.cases[key]}, token))["case"]
        assert case["accessReasons"] == reasons, key
    # The deprecated field still names one: the membership, else the oldest policy.
    south = (await api.data(REASONS, {"id": world.cases["south"]}, token))["case"]
    assert south["accessVia"] == {"policyName": "Regional director, read-only"}
    # Another team's case has no reason: NOT_FOUND, as a missing one.
    assert (await api.error(REASONS, {"id": world.foreign_case}, token)).codes == ["NOT_FOUND"]
