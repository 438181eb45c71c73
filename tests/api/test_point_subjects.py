"""Where a ledger entry's subject is (`PointEntry.subjectPlace`): only what the reader may open."""

import asyncio
from typing import Any

from server.infra.db import Database
from server.models import UserRole
from tests.support.comments import ADD, RESOLVE, make_team
from tests.support.graphql import GraphQL
from tests.support.points import ADJUST, sign_in

PLACES = "{ me { pointsLedger(first: 10) { nodes { action subject subjectPlace { caseId caseTitle threadId painPointId snapshotId } } } } }"
PERSON = "query($s: String!) { users(search: $s, first: 1) { nodes { pointsLedger(first: 10) { nodes { action subjectPlace { caseId } } } } } }"


async def _ledger(api: GraphQL, token: str, count: int) -> list[dict[str, Any]]:
    """The caller's ledger once it has `count` entries (awards run as a job), or after 30 s."""
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        nodes: list[dict[str, Any]] = (await api.data(PLACES, token=token))["me"]["pointsLedger"]["nodes"]
        if len(nodes) >= count or asyncio.get_running_loop().time() > deadline:
            return nodes
        await asyncio.sleep(0.05)


async def test_a_resolved_suggestion_links_to_its_thread_for_its_author_only(
    api: GraphQL, app_db: Database
) -> None:
    team = await make_team(app_db, api)
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    added = await api.data(
        ADD, {"i": {"caseId": team.case_id, "body": "加一个重试按钮？"}}, team.tokens["commenter"]
    )
    thread_id = added["addComment"]["id"]
    await api.data(RESOLVE, {"c": thread_id}, team.tokens["owner"])
    # The award is a job: once it is in, the adjustment comes after it (newest first below).
    assert len(await _ledger(api, team.tokens["commenter"], 1)) == 1
    await api.data(ADJUST, {"u": team.people["commenter"].id, "d": 5, "r": "Workshop"}, hr.token)
    adjusted, resolved = await _ledger(api, team.tokens["commenter"], 2)
    assert resolved["action"] == "COMMENT_RESOLVED"
    assert resolved["subject"] == f"comment:{thread_id}"
    assert resolved["subjectPlace"] == {
        "caseId": team.case_id,
        "caseTitle": "Checkout failures",
        "threadId": thread_id,
        "painPointId": None,
        "snapshotId": None,
    }
    assert adjusted["action"] == "ADJUSTMENT"
    assert adjusted["subjectPlace"] is None  # an adjustment is about the account: nowhere to go
    # HR reads the ledger but is not on the case: the entry is there, its place is not.
    nodes = (await api.data(PERSON, {"s": "commenter@a.com"}, hr.token))["users"]["nodes"][0]
    assert [n["subjectPlace"] for n in nodes["pointsLedger"]["nodes"]] == [None, None]
