"""Knowledge assets on a real server: a subscriber hears of a new version over the GraphQL WebSocket, and a
case started from an asset opens in an npm y-websocket client holding the asset's text; edits there leave
the asset as published."""

from __future__ import annotations

import asyncio
import time

from tests.support.documents import write
from tests.support.gqlws import GqlWs
from tests.support.live import Live
from tests.support.operations import operation
from tests.support.yjs_node import NodeYClient

NOTES = operation("NotificationEvents")
SNAPSHOT = "mutation($c: ID!, $l: String!) { createSnapshot(caseId: $c, label: $l) { id } }"
PUBLISH = (
    "mutation($i: PublishKnowledgeAssetInput!) { publishKnowledgeAsset(input: $i) "
    "{ id version published { text } } }"
)
SUBSCRIBE = "mutation($id: ID!) { subscribeToKnowledgeAsset(id: $id) { subscribed } }"
REUSE = (
    "mutation($a: ID!, $i: CreateCaseInput!) { createCaseFromKnowledgeAsset(assetId: $a, input: $i) { id } }"
)
ASSET_TEXT = "query($id: ID!) { knowledgeAsset(id: $id) { published { text } } }"


async def _node_reads(client: NodeYClient, text: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while (current := await client.text()) != text:
        if time.monotonic() > deadline:
            raise AssertionError(f"npm client text {current!r} != {text!r} after {timeout}s")
        await asyncio.sleep(0.02)


async def test_subscribers_hear_of_a_new_version_and_a_reused_case_is_a_live_copy(live: Live) -> None:
    owner = await live.member("owner@a.com", team="Team A")
    reader = await live.member("reader@b.com", team="Team B")
    case_id = await live.gql.create_case(owner.token, title="OR fault", customer="华西医院")
    await write(live.db, case_id, owner.person.id, "手术室紧急故障处置SOP", "华西医院值班电话 13812345678")
    first = (await live.gql.data(SNAPSHOT, {"c": case_id, "l": "v1"}, owner.token))["createSnapshot"]["id"]
    draft = {
        "caseId": case_id,
        "snapshotId": first,
        "title": "手术室紧急故障处置SOP",
        "audience": "ORGANIZATION",
    }
    asset = (await live.gql.data(PUBLISH, {"i": draft}, owner.token))["publishKnowledgeAsset"]
    await live.gql.data(SUBSCRIBE, {"id": asset["id"]}, reader.token)

    bell = await GqlWs.signed_in(f"{live.server.ws_url}/graphql", reader.token)
    try:
        await bell.subscribed("n", NOTES)
        assert (await bell.next_data("n"))["notificationEvents"]["kind"] == "COUNT"
        await write(live.db, case_id, owner.person.id, "Step 3: write the incident report")
        second = (await live.gql.data(SNAPSHOT, {"c": case_id, "l": "v2"}, owner.token))["createSnapshot"][
            "id"
        ]
        new_draft = {**draft, "snapshotId": second, "changeNote": "report step"}
        await live.gql.data(PUBLISH, {"i": new_draft}, owner.token)
        event = (await bell.next_data("n", timeout=10))["notificationEvents"]
    finally:
        await bell.close()
    assert (event["kind"], event["unreadCount"]) == ("CREATED", 1)
    note = event["notification"]
    assert note["kind"] == "ASSET_VERSION_PUBLISHED"
    assert note["assetVersion"] == 2
    assert note["knowledgeAsset"] == {"id": asset["id"], "title": "手术室紧急故障处置SOP", "version": 2}

    published = (await live.gql.data(ASSET_TEXT, {"id": asset["id"]}, reader.token))["knowledgeAsset"]
    text = published["published"]["text"]
    assert text == "手术室紧急故障处置SOP\n华***值班电话 138****5678\nStep 3: write the incident report"
    made = await live.gql.data(
        REUSE, {"a": asset["id"], "i": {"title": "协和 OR", "customer": "协和医院"}}, reader.token
    )
    new_case = made["createCaseFromKnowledgeAsset"]["id"]
    client = await NodeYClient.start(f"{live.server.ws_url}/sync", new_case, reader.token)
    try:
        await _node_reads(client, text)
        await client.insert_paragraph("协和的补充步骤")
        await _node_reads(client, text + "\n协和的补充步骤")
        deadline = time.monotonic() + 10
        while not (await live.gql.case_text(reader.token, new_case)).endswith("协和的补充步骤"):
            assert time.monotonic() < deadline, "the server never had the npm client's edit"
            await asyncio.sleep(0.05)
    finally:
        await client.close()
    again = (await live.gql.data(ASSET_TEXT, {"id": asset["id"]}, reader.token))["knowledgeAsset"]
    assert again["published"]["text"] == text
    # The source case never had the reuser's edit either.
    assert "协和的补充步骤" not in await live.gql.case_text(owner.token, case_id)
