"""commentEvents and notificationEvents on real servers: members get every change within a second, on
any server; anyone else is refused; a revoked token closes the socket."""

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.domain.comments.mentions import mention_markup
from tests.support.gqlws import GqlWs
from tests.support.live import CaseFixture, Live, live_pair, live_server
from tests.support.operations import operation

# The named operations the war room subscribes with.
EVENTS = operation("CommentEvents")
NOTES = operation("NotificationEvents")
ADD = "mutation($i: AddCommentInput!) { addComment(input: $i) { id } }"
WITHIN = 1.0


@pytest.fixture
async def live(database_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    env = {"WARROOM_GRAPHQL_WS_RECHECK_SECONDS": "0.3"}
    async with live_server(database_url, tmp_path, env) as running:
        yield running


def _url(live: Live) -> str:
    return f"{live.server.ws_url}/graphql"


async def _timed(client: GqlWs, id: str, action: Any) -> tuple[dict[str, Any], float]:
    """Run `action` (a coroutine) and return the next event of `id` with its delay after `action`."""
    await action
    done = time.monotonic()
    data = await client.next_data(id, timeout=5)
    return data, time.monotonic() - done


async def test_members_see_every_comment_change_within_a_second(live: Live) -> None:
    case: CaseFixture = await live.case(viewer="VIEWER", commenter="COMMENTER")
    owner, commenter, viewer = case.owner, case.members["commenter"], case.members["viewer"]
    await live.gql.data(
        'mutation($c: ID!) { addComment(input: {caseId: $c, body: "warm-up"}) { id } }',
        {"c": case.id},
        owner.token,
    )
    client = await GqlWs.signed_in(_url(live), viewer.token)
    await client.subscribed("c", EVENTS, {"caseId": case.id})
    gql = live.gql
    thread_id = ""

    async def add() -> None:
        nonlocal thread_id
        data = await gql.data(ADD, {"i": {"caseId": case.id, "body": "Who owns this?"}}, commenter.token)
        thread_id = data["addComment"]["id"]

    event, delay = await _timed(client, "c", add())
    assert event["commentEvents"]["kind"] == "ADDED"
    assert event["commentEvents"]["comment"]["id"] == thread_id
    assert event["commentEvents"]["actor"]["id"] == commenter.person.id
    assert delay < WITHIN
    delays = [delay]
    for kind, document, token in (
        (
            "EDITED",
            'mutation($c: ID!) { editComment(commentId: $c, body: "Who owns it?") { id } }',
            commenter.token,
        ),
        ("ADDED", 'mutation($c: ID!) { replyToComment(commentId: $c, body: "Me.") { id } }', owner.token),
        ("RESOLVED", "mutation($c: ID!) { resolveComment(commentId: $c) { id } }", owner.token),
        ("REOPENED", "mutation($c: ID!) { reopenComment(commentId: $c) { id } }", owner.token),
        ("DELETED", "mutation($c: ID!) { deleteComment(commentId: $c) { id } }", owner.token),
    ):
        event, delay = await _timed(client, "c", gql.data(document, {"c": thread_id}, token))
        assert event["commentEvents"]["kind"] == kind
        assert event["commentEvents"]["comment"]["threadId"] == thread_id
        delays.append(delay)
        if kind == "RESOLVED":
            assert event["commentEvents"]["comment"]["resolvedBy"]["id"] == owner.person.id
        if kind == "DELETED":
            assert event["commentEvents"]["comment"]["deleted"] is True
            assert event["commentEvents"]["comment"]["body"] == ""
    assert max(delays) < WITHIN, delays
    await client.close()


async def test_anyone_but_a_member_is_refused_and_hears_nothing(live: Live) -> None:
    case = await live.case()
    stranger = await live.member()
    client = await GqlWs.signed_in(_url(live), stranger.token)
    for id, case_id in (("foreign", case.id), ("missing", str(uuid.uuid4())), ("garbage", "x")):
        await client.subscribe(id, EVENTS, {"caseId": case_id})
        message = await client.receive()
        assert message["type"] == "error", message
        assert message["id"] == id
        assert [e["extensions"]["code"] for e in message["payload"]] == ["NOT_FOUND"]
    await live.gql.data(ADD, {"i": {"caseId": case.id, "body": "secret"}}, case.owner.token)
    with pytest.raises(TimeoutError):
        await client.receive(timeout=0.5)


async def test_notifications_arrive_live_and_read_marks_follow(live: Live) -> None:
    case = await live.case(commenter="COMMENTER")
    commenter = case.members["commenter"]
    await live.gql.data(
        ADD, {"i": {"caseId": case.id, "body": mention_markup("Wang", commenter.person.id)}}, case.owner.token
    )
    client = await GqlWs.signed_in(_url(live), commenter.token)
    await client.subscribed("n", NOTES)
    # First the unread count as the server starts listening: nothing made after it is missed.
    first = (await client.next_data("n"))["notificationEvents"]
    assert first == {"kind": "COUNT", "unreadCount": 1, "notification": None}
    await live.gql.data("mutation { markAllNotificationsRead }", token=commenter.token)
    assert (await client.next_data("n"))["notificationEvents"]["kind"] == "READ"
    body = f"{mention_markup('Wang', commenter.person.id)} please check"
    made, delay = await _timed(
        client, "n", live.gql.data(ADD, {"i": {"caseId": case.id, "body": body}}, case.owner.token)
    )
    event = made["notificationEvents"]
    assert delay < WITHIN
    assert event["kind"] == "CREATED"
    assert event["unreadCount"] == 1
    assert event["notification"]["kind"] == "MENTION"
    assert event["notification"]["actor"]["id"] == case.owner.person.id
    assert event["notification"]["case"]["id"] == case.id
    read, _ = await _timed(
        client, "n", live.gql.data("mutation { markAllNotificationsRead }", token=commenter.token)
    )
    assert read["notificationEvents"] == {"kind": "READ", "unreadCount": 0, "notification": None}


async def test_a_revoked_token_closes_the_socket(live: Live) -> None:
    """Signing out ends the session's live connections: the socket closes with 4401 (the session watch,
    docs/security.md "Sessions"), so no event reaches it any more."""
    case = await live.case(viewer="VIEWER")
    viewer = case.members["viewer"]
    client = await GqlWs.signed_in(_url(live), viewer.token)
    await client.subscribed("c", EVENTS, {"caseId": case.id})
    await live.gql.data("mutation { logout }", token=viewer.token)
    code, reason = await client.closed(10)
    assert code == 4401
    assert "session ended" in reason


@pytest.fixture
async def pair(postgres_url: str, tmp_path: Path) -> AsyncIterator[tuple[Live, Live]]:
    async with live_pair(postgres_url, tmp_path) as pair:
        yield pair


@pytest.mark.postgres
@pytest.mark.redis
async def test_a_comment_made_on_one_server_reaches_a_subscriber_on_another(pair: tuple[Live, Live]) -> None:
    one, two = pair
    case = await one.case(commenter="COMMENTER")
    commenter = case.members["commenter"]
    comments = await GqlWs.signed_in(_url(two), case.owner.token)
    await comments.subscribed("c", EVENTS, {"caseId": case.id})
    notes = await GqlWs.signed_in(_url(two), commenter.token)
    await notes.subscribed("n", NOTES)
    assert (await notes.next_data("n"))["notificationEvents"]["kind"] == "COUNT"
    body = f"{mention_markup('Wang', commenter.person.id)} can you check?"
    event, delay = await _timed(
        comments, "c", one.gql.data(ADD, {"i": {"caseId": case.id, "body": body}}, case.owner.token)
    )
    assert event["commentEvents"]["kind"] == "ADDED"
    assert delay < WITHIN
    note = await notes.next_data("n", timeout=WITHIN)
    assert note["notificationEvents"]["notification"]["kind"] == "MENTION"
