"""Mentions, replies and resolutions notify the right people; they read and mark them."""

from typing import Any

import pytest

from server.domain.comments.mentions import mention_markup
from server.infra.db import Database
from server.infra.ids import new_id
from tests.support.comments import ADD, EDIT, NOTIFICATIONS, REPLY, RESOLVE, Team, make_team
from tests.support.graphql import GraphQL

MARK = "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }"
MARK_ALL = "mutation { markAllNotificationsRead }"


@pytest.fixture
async def team(api: GraphQL, app_db: Database) -> Team:
    return await make_team(app_db, api)


async def _inbox(api: GraphQL, token: str, **variables: object) -> dict[str, Any]:
    inbox: dict[str, Any] = (await api.data(NOTIFICATIONS, variables, token))["notifications"]
    return inbox


def _kinds(inbox: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(n["kind"], n["comment"]["id"] if n["comment"] else None) for n in inbox["nodes"]]


async def test_mentions_replies_and_resolutions_notify(api: GraphQL, team: Team) -> None:
    owner, commenter, viewer = (team.people[r] for r in ("owner", "commenter", "viewer"))
    body = f"{mention_markup('王芳 (Finance BP)', commenter.id)} and {mention_markup('Sam', viewer.id)}: numbers?"
    thread = (await api.data(ADD, {"i": {"caseId": team.case_id, "body": body}}, team.tokens["owner"]))[
        "addComment"
    ]
    # A mention of yourself notifies nobody.
    await api.data(
        ADD, {"i": {"caseId": team.case_id, "body": mention_markup("me", owner.id)}}, team.tokens["owner"]
    )
    inbox = await _inbox(api, team.tokens["commenter"])
    assert _kinds(inbox) == [("MENTION", thread["id"])]
    assert inbox["unreadCount"] == 1
    (note,) = inbox["nodes"]
    assert note["actor"] == {"id": owner.id}
    assert note["case"] == {"id": team.case_id, "title": "Checkout failures"}
    assert note["readAt"] is None
    assert _kinds(await _inbox(api, team.tokens["viewer"])) == [("MENTION", thread["id"])]
    assert _kinds(await _inbox(api, team.tokens["owner"])) == []

    reply = (await api.data(REPLY, {"c": thread["id"], "b": "On it."}, team.tokens["commenter"]))[
        "replyToComment"
    ]
    assert _kinds(await _inbox(api, team.tokens["owner"])) == [("REPLY", reply["id"])]
    # Mentioned in a reply to your own thread: one notification, the mention.
    mention_owner = f"{mention_markup('Alice', owner.id)} see above"
    second = (await api.data(REPLY, {"c": thread["id"], "b": mention_owner}, team.tokens["editor"]))[
        "replyToComment"
    ]
    assert _kinds(await _inbox(api, team.tokens["owner"]))[0] == ("MENTION", second["id"])
    assert len(_kinds(await _inbox(api, team.tokens["owner"]))) == 2

    # An edit notifies only the people it newly mentions.
    editor = team.people["editor"]
    edited = f"{body} cc {mention_markup('Bob', editor.id)}"
    await api.data(EDIT, {"c": thread["id"], "b": edited}, team.tokens["owner"])
    assert _kinds(await _inbox(api, team.tokens["editor"])) == [("MENTION", thread["id"])]
    assert len(_kinds(await _inbox(api, team.tokens["commenter"]))) == 1

    # Resolved by someone else: its author hears of it; resolving your own thread is silent.
    await api.data(RESOLVE, {"c": thread["id"]}, team.tokens["commenter"])
    assert _kinds(await _inbox(api, team.tokens["owner"]))[0] == ("RESOLVED", thread["id"])
    own = (await api.data(ADD, {"i": {"caseId": team.case_id, "body": "mine"}}, team.tokens["editor"]))[
        "addComment"
    ]
    await api.data(RESOLVE, {"c": own["id"]}, team.tokens["editor"])
    assert _kinds(await _inbox(api, team.tokens["editor"])) == [("MENTION", thread["id"])]


async def test_marking_read_and_paging(api: GraphQL, team: Team) -> None:
    commenter = team.people["commenter"]
    for i in range(5):
        body = f"{mention_markup('Wang', commenter.id)} question {i}"
        await api.data(ADD, {"i": {"caseId": team.case_id, "body": body}}, team.tokens["owner"])
    token = team.tokens["commenter"]
    first = await _inbox(api, token, first=2)
    assert first["unreadCount"] == 5
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await _inbox(api, token, first=10, after=first["pageInfo"]["endCursor"])
    assert len(rest["nodes"]) == 3
    ids = [n["id"] for n in first["nodes"]]
    assert (await api.data(MARK, {"ids": ids}, token))["markNotificationsRead"] == 2
    assert (await api.data(MARK, {"ids": ids}, token))["markNotificationsRead"] == 0
    unread = await _inbox(api, token, unread=True)
    assert unread["unreadCount"] == 3
    assert len(unread["nodes"]) == 3
    assert all(n["readAt"] for n in (await _inbox(api, token))["nodes"] if n["id"] in ids)
    assert (await api.data(MARK_ALL, token=token))["markAllNotificationsRead"] == 3
    assert (await _inbox(api, token))["unreadCount"] == 0
    assert (await api.error(NOTIFICATIONS, {"first": 101}, token)).codes == ["BAD_INPUT"]
    assert (await api.error(MARK, {"ids": [new_id() for _ in range(101)]}, token)).codes == ["BAD_INPUT"]


async def test_foreign_notification_ids_answer_not_found(api: GraphQL, app_db: Database, team: Team) -> None:
    commenter = team.people["commenter"]
    body = f"{mention_markup('Wang', commenter.id)} hi"
    await api.data(ADD, {"i": {"caseId": team.case_id, "body": body}}, team.tokens["owner"])
    (theirs,) = (await _inbox(api, team.tokens["commenter"]))["nodes"]
    other = await make_team(app_db, api, prefix="b-")
    missing = new_id()
    for token in (team.tokens["owner"], other.tokens["owner"]):
        foreign = await api.error(MARK, {"ids": [theirs["id"]]}, token)
        absent = await api.error(MARK, {"ids": [missing]}, token)
        garbage = await api.error(MARK, {"ids": ["nope"]}, token)
        assert foreign.codes == absent.codes == garbage.codes == ["NOT_FOUND"]
        assert foreign.errors[0]["message"].replace(theirs["id"], "X") == absent.errors[0]["message"].replace(
            missing, "X"
        )
    # Nothing was marked on the way.
    assert (await _inbox(api, team.tokens["commenter"]))["unreadCount"] == 1
    assert (await _inbox(api, other.tokens["owner"]))["nodes"] == []
    assert (await api.error(NOTIFICATIONS, {})).codes == ["UNAUTHENTICATED"]
