"""The named operations of comments.graphql and notifications.graphql run as the frontend sends them.
(Their subscriptions run in test_subscriptions.)"""

import pytest

from server.domain.comments.mentions import mention_markup
from server.infra.db import Database
from tests.support.comments import Team, anchor_on, make_team
from tests.support.graphql import GraphQL
from tests.support.operations import operation


@pytest.fixture
async def team(api: GraphQL, app_db: Database) -> Team:
    return await make_team(app_db, api)


async def test_the_comment_and_notification_operations(api: GraphQL, team: Team) -> None:
    owner, commenter = team.tokens["owner"], team.tokens["commenter"]
    mention = mention_markup("王芳 (Finance BP)", team.people["commenter"].id)
    added = (
        await api.data(
            operation("AddComment"),
            {
                "input": {
                    "caseId": team.case_id,
                    "body": f"{mention} check",
                    "anchor": anchor_on(team.doc, "card"),
                }
            },
            owner,
        )
    )["addComment"]
    assert added["anchor"]["currentQuote"] == "card"
    ranged = await api.data(
        operation("AddComment"),
        {"input": {"caseId": team.case_id, "body": "by offsets", "range": {"start": 0, "end": 4}}},
        owner,
    )
    assert ranged["addComment"]["anchor"]["quote"] == "Acme"
    thread = added["id"]
    reply = (await api.data(operation("ReplyToComment"), {"commentId": thread, "body": "ok"}, commenter))[
        "replyToComment"
    ]
    edited = await api.data(operation("EditComment"), {"commentId": reply["id"], "body": "OK!"}, commenter)
    assert edited["editComment"]["editedAt"] is not None
    resolved = await api.data(operation("ResolveComment"), {"commentId": thread}, commenter)
    assert resolved["resolveComment"]["replies"][0]["body"] == "OK!"
    await api.data(operation("ReopenComment"), {"commentId": thread}, owner)
    listed = (await api.data(operation("CaseComments"), {"caseId": team.case_id}, team.tokens["viewer"]))[
        "case"
    ]
    assert [node["id"] for node in listed["comments"]["nodes"]] == [ranged["addComment"]["id"], thread]
    one = (await api.data(operation("Comment"), {"id": thread}, team.tokens["viewer"]))["comment"]
    assert one["body"].startswith("@[王芳 (Finance BP)](")
    deleted = await api.data(operation("DeleteComment"), {"commentId": reply["id"]}, commenter)
    assert deleted["deleteComment"]["deleted"] is True

    inbox = (await api.data(operation("Notifications"), {"unreadOnly": True}, commenter))["notifications"]
    assert [n["kind"] for n in inbox["nodes"]] == ["MENTION"]
    assert inbox["nodes"][0]["comment"]["anchor"]["currentQuote"] == "card"
    marked = await api.data(operation("MarkNotificationsRead"), {"ids": [inbox["nodes"][0]["id"]]}, commenter)
    assert marked == {"markNotificationsRead": 1}
    owners = (await api.data(operation("Notifications"), {}, owner))["notifications"]
    assert {n["kind"] for n in owners["nodes"]} == {"REPLY", "RESOLVED"}
    assert (await api.data(operation("MarkAllNotificationsRead"), {}, owner)) == {
        "markAllNotificationsRead": 2
    }
