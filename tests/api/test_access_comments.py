"""Comments under visibility policies: a comment a policy alone opens is read-only (which comments each
role of issue 18 reads, by id and listed, is in the matrix: tests/api/test_access_matrix.py)."""

from server.infra.db import Database
from tests.support.access import add_comments, build
from tests.support.graphql import GraphQL

ONE = "query($id: ID!) { comment(id: $id) { id body caseId viewerCanEdit viewerCanResolve } }"


async def test_a_comment_a_policy_alone_opens_is_read_only(api: GraphQL, app_db: Database) -> None:
    world = await build(app_db, api)
    comments = await add_comments(app_db, world)
    token = world.tokens["agent"]
    found = (await api.data(ONE, {"id": comments["south/new"]}, token))["comment"]
    # The agent's policy masks customers: the body names 阿里零售 masked (tests/api/test_access_masked_texts.py).
    assert found["body"].startswith("阿*** 反馈：发票抬头错误")
    assert found["viewerCanEdit"] is False
    assert found["viewerCanResolve"] is False
    # The case itself stays closed to the agent (caseAccess NONE): NOT_FOUND, like a missing one.
    case = "query($id: ID!) { case(id: $id) { id } }"
    assert (await api.error(case, {"id": found["caseId"]}, token)).codes == ["NOT_FOUND"]
    reply = 'mutation($id: ID!) { replyToComment(commentId: $id, body: "收到 noted") { id } }'
    assert (await api.error(reply, {"id": comments["south/new"]}, token)).codes == ["NOT_FOUND"]
