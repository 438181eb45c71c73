"""snapshotEvents over graphql-transport-ws on a real server: who may subscribe, and what arrives."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.gqlws import GqlWs
from tests.support.live import Live, live_server
from tests.support.ysocket import YSocket

EVENTS = (
    "subscription($c: ID!) { snapshotEvents(caseId: $c) { kind snapshot { id kind label text } "
    "before { id kind } actor { id } } }"
)
CREATE = "mutation($c: ID!, $l: String!) { createSnapshot(caseId: $c, label: $l) { id } }"
RESTORE = "mutation($s: ID!) { restoreSnapshot(snapshotId: $s) { before { id } } }"


@pytest.fixture
async def live(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    env = {"WARROOM_SNAPSHOT_IDLE_SECONDS": "0.3", "WARROOM_JOBS": "inprocess"}
    async with live_server(sqlite_url, tmp_path, env) as running:
        yield running


async def _subscribed(live: Live, token: str, case_id: str) -> tuple[GqlWs, str]:
    socket = await GqlWs.signed_in(f"{live.server.ws_url}/graphql", token)
    await socket.subscribed("1", EVENTS, {"c": case_id})
    return socket, "1"


async def _payload(socket: GqlWs, operation: str, timeout: float = 5.0) -> dict[str, Any]:
    """The operation's next result: a `next` payload, or the errors of an `error` message."""
    message = await socket.receive(timeout)
    assert message.get("id") == operation, message
    payload: dict[str, Any] = (
        message["payload"] if message["type"] == "next" else {"errors": message["payload"]}
    )
    return payload


async def test_members_receive_named_restored_and_automatic_versions(live: Live) -> None:
    case = await live.case(viewer="VIEWER")
    socket, operation = await _subscribed(live, case.members["viewer"].token, case.id)
    writer = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    writer.add_paragraph("first words")
    await asyncio.sleep(0.1)
    named = (await live.gql.data(CREATE, {"c": case.id, "l": "Named"}, case.owner.token))["createSnapshot"]
    event = (await _payload(socket, operation, timeout=1))["data"]["snapshotEvents"]
    assert event == {
        "kind": "CREATED",
        "snapshot": {"id": named["id"], "kind": "NAMED", "label": "Named", "text": "first words"},
        "before": None,
        "actor": {"id": case.owner.person.id},
    }

    # A quiet spell of 0.3 s after an edit: the server takes an automatic version.
    writer.add_paragraph("second words")
    automatic = (await _payload(socket, operation, timeout=3))["data"]["snapshotEvents"]
    assert automatic["kind"] == "CREATED"
    assert automatic["snapshot"]["kind"] == "AUTO"
    assert automatic["snapshot"]["text"] == "first words\nsecond words"
    assert automatic["actor"] is None

    restored = (await live.gql.data(RESTORE, {"s": named["id"]}, case.owner.token))["restoreSnapshot"]
    before = (await _payload(socket, operation, timeout=1))["data"]["snapshotEvents"]
    assert before["snapshot"] == {
        "id": restored["before"]["id"],
        "kind": "BEFORE_RESTORE",
        "label": "Before restoring “Named”",
        "text": "first words\nsecond words",
    }
    done = (await _payload(socket, operation, timeout=1))["data"]["snapshotEvents"]
    assert done["kind"] == "RESTORED"
    assert done["snapshot"]["id"] == named["id"]
    assert done["before"] == {"id": restored["before"]["id"], "kind": "BEFORE_RESTORE"}
    assert done["actor"] == {"id": case.owner.person.id}
    await writer.close()
    await socket.close()


async def test_strangers_and_anonymous_sockets_are_refused(live: Live) -> None:
    case = await live.case()
    stranger = await live.member()
    socket, operation = await _subscribed(live, stranger.token, case.id)
    refused = await _payload(socket, operation)
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["NOT_FOUND"]
    await socket.close()

    for payload in ({}, {"token": "not-a-token"}):
        anonymous = await GqlWs.connect(f"{live.server.ws_url}/graphql")
        await anonymous.send({"type": "connection_init", "payload": payload})
        assert (await anonymous.closed())[0] == 4401
