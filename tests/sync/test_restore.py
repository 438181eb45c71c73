"""Restore on real servers: connected y-websocket clients (pycrdt and npm) receive it without
reconnecting, on SQLite and PostgreSQL, and across two servers sharing Redis."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.sync import protocol
from tests.support.live import Live, live_pair
from tests.support.yjs_node import NodeYClient
from tests.support.ysocket import YSocket

CREATE = "mutation($c: ID!, $l: String!) { createSnapshot(caseId: $c, label: $l) { id text } }"
RESTORE = "mutation($s: ID!) { restoreSnapshot(snapshotId: $s) { changed before { id text } } }"
LIST = "query($c: ID!) { snapshots(caseId: $c) { nodes { id kind auto text } } }"


async def _node(server_ws_url: str, case_id: str, token: str) -> NodeYClient:
    return await NodeYClient.start(f"{server_ws_url}/sync", case_id, token)


async def _node_reads(client: NodeYClient, text: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while (current := await client.text()) != text:
        if time.monotonic() > deadline:
            raise AssertionError(f"npm client text {current!r} != {text!r} after {timeout}s")
        await asyncio.sleep(0.02)


def _connects(client: NodeYClient) -> int:
    return sum(1 for e in client.events if e["event"] == "status" and e.get("status") == "connected")


def _updates_after_sync(client: YSocket) -> list[protocol.Sync]:
    return [f for f in client.frames if isinstance(f, protocol.Sync) and f.kind is protocol.SyncKind.UPDATE]


async def _wait_text(client: YSocket, text: str, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while client.text != text:
        if time.monotonic() > deadline:
            raise AssertionError(f"client text {client.text!r} != {text!r} after {timeout}s")
        await asyncio.sleep(0.02)


async def test_restore_reaches_connected_clients_at_once(live: Live) -> None:
    case = await live.case(mate="EDITOR")
    writer = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    await writer.synced.wait()
    node = await _node(live.server.ws_url, case.id, case.members["mate"].token)
    writer.add_paragraph("Customer wants faster delivery")
    writer.add_paragraph("客户需要更快的交付")
    await _node_reads(node, "Customer wants faster delivery\n客户需要更快的交付")
    version = (await live.gql.data(CREATE, {"c": case.id, "l": "Agreed"}, case.owner.token))["createSnapshot"]
    assert version["text"] == "Customer wants faster delivery\n客户需要更快的交付"

    await node.insert_paragraph("An idea from the npm client")
    writer.add_paragraph("Scratch notes")
    await writer.wait_text("An idea from the npm client")
    await node.wait_text("Scratch notes")
    frames_before = len(writer.frames)

    result = await live.gql.data(RESTORE, {"s": version["id"]}, case.members["mate"].token)
    assert result["restoreSnapshot"]["changed"] is True
    assert "Scratch notes" in result["restoreSnapshot"]["before"]["text"]
    await _wait_text(writer, version["text"])
    await _node_reads(node, version["text"])
    # Both got it as a live update on the connection they had: no reconnect, no resync.
    assert _connects(node) == 1
    new_frames = writer.frames[frames_before:]
    assert any(isinstance(f, protocol.Sync) and f.kind is protocol.SyncKind.UPDATE for f in new_frames)
    assert not any(isinstance(f, protocol.Sync) and f.kind is protocol.SyncKind.STEP2 for f in new_frames)
    assert await live.gql.case_text(case.owner.token, case.id) == version["text"]

    # The clients keep editing on top of the restored version.
    writer.add_paragraph("after the restore")
    await _node_reads(node, version["text"] + "\nafter the restore")
    kinds = [
        n["kind"] for n in (await live.gql.data(LIST, {"c": case.id}, case.owner.token))["snapshots"]["nodes"]
    ]
    assert kinds == ["BEFORE_RESTORE", "NAMED"]
    await node.close()
    await writer.close()


async def test_a_reconnecting_client_loads_the_restored_document(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case()
    client = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    client.add_paragraph("keep me")
    await asyncio.sleep(0.1)
    version = (await live.gql.data(CREATE, {"c": case.id, "l": "v"}, case.owner.token))["createSnapshot"]
    client.add_paragraph("drop me")
    await asyncio.sleep(0.1)
    await client.close()
    await asyncio.sleep(0.8)  # the room closes (idle 0.5 s): the restore goes through the database
    await live.gql.data(RESTORE, {"s": version["id"]}, case.owner.token)
    again = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    await again.synced.wait()
    await _wait_text(again, "keep me")
    await again.close()


@pytest.fixture
async def pair(postgres_url: str, tmp_path: Path) -> AsyncIterator[tuple[Live, Live]]:
    async with live_pair(
        postgres_url, tmp_path, WARROOM_SNAPSHOT_IDLE_SECONDS="0", WARROOM_SNAPSHOT_EVERY_UPDATES="8"
    ) as pair:
        yield pair


async def test_restore_on_one_server_reaches_clients_of_both(pair: tuple[Live, Live]) -> None:
    one, two = pair
    case = await one.case(mate="EDITOR")
    near = await YSocket.connect(await one.sync_url(case.id, case.owner.token))
    far = await YSocket.connect(await two.sync_url(case.id, case.members["mate"].token))
    node = await _node(two.server.ws_url, case.id, case.members["mate"].token)
    await asyncio.gather(near.synced.wait(), far.synced.wait())
    near.add_paragraph("v1 text")
    await _node_reads(node, "v1 text")
    version = (await one.gql.data(CREATE, {"c": case.id, "l": "v1"}, case.owner.token))["createSnapshot"]
    far.add_paragraph("edited on server two")
    await near.wait_text("edited on server two")
    await two.gql.data(RESTORE, {"s": version["id"]}, case.owner.token)
    await asyncio.gather(
        _wait_text(near, "v1 text"), _wait_text(far, "v1 text"), _node_reads(node, "v1 text")
    )
    assert _connects(node) == 1
    await asyncio.gather(near.close(), far.close(), node.close())


async def test_restore_on_a_server_without_the_case_open_reaches_the_other(pair: tuple[Live, Live]) -> None:
    one, two = pair
    case = await one.case()
    far = await YSocket.connect(await two.sync_url(case.id, case.owner.token))
    node = await _node(two.server.ws_url, case.id, case.owner.token)
    await far.synced.wait()
    far.add_paragraph("v1 text")
    await _node_reads(node, "v1 text")
    version = (await one.gql.data(CREATE, {"c": case.id, "l": "v1"}, case.owner.token))["createSnapshot"]
    assert version["text"] == "v1 text", "server one reads what server two stored"
    far.add_paragraph("later")
    await _node_reads(node, "v1 text\nlater")
    frames_before = len(_updates_after_sync(far))
    await one.gql.data(RESTORE, {"s": version["id"]}, case.owner.token)
    await asyncio.gather(_wait_text(far, "v1 text"), _node_reads(node, "v1 text"))
    assert len(_updates_after_sync(far)) > frames_before
    assert _connects(node) == 1
    await asyncio.gather(far.close(), node.close())


async def test_automatic_snapshots_across_servers_are_never_duplicated(pair: tuple[Live, Live]) -> None:
    one, two = pair
    case = await one.case(mate="EDITOR")
    left = await YSocket.connect(await one.sync_url(case.id, case.owner.token))
    right = await YSocket.connect(await two.sync_url(case.id, case.members["mate"].token))
    await asyncio.gather(left.synced.wait(), right.synced.wait())
    for i in range(20):
        left.add_paragraph(f"left {i}")
        right.add_paragraph(f"right {i}")
        await asyncio.sleep(0.02)
    await left.wait_text("right 19")
    deadline = time.monotonic() + 10
    nodes: list[dict[str, Any]] = []
    while len(nodes) < 4 and time.monotonic() < deadline:
        nodes = (await one.gql.data(LIST, {"c": case.id}, case.owner.token))["snapshots"]["nodes"]
        await asyncio.sleep(0.1)
    assert len(nodes) >= 4, f"40 updates with a snapshot every 8 should give at least 4, got {len(nodes)}"
    assert all(n["kind"] == "AUTO" for n in nodes)
    texts = [n["text"] for n in nodes]
    assert len(set(texts)) == len(texts), "no two automatic snapshots of the same state"
    await asyncio.gather(left.close(), right.close())
