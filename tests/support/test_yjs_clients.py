"""The Yjs test clients, proven against the reference y-websocket server before they judge ours."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from pycrdt import Doc, XmlElement, XmlFragment
from websockets.asyncio.server import ServerConnection, serve

from tests.support.reference_server import ReferenceServer
from tests.support.yclient import YClient
from tests.support.yjs_node import NodeClientError, NodeYClient
from tests.support.yjs_pycrdt import PycrdtYClient, plain_text

pytestmark = pytest.mark.node

Start = Callable[..., Awaitable[YClient]]
STARTERS: dict[str, Start] = {"node": NodeYClient.start, "pycrdt": PycrdtYClient.start}


@pytest.fixture
async def reference() -> AsyncIterator[ReferenceServer]:
    async with await ReferenceServer.start() as server:
        yield server


@pytest.fixture
def room() -> str:
    return f"room-{uuid.uuid4()}"


async def test_two_node_clients_and_a_pycrdt_client_converge(reference: ReferenceServer, room: str) -> None:
    async with (
        await NodeYClient.start(reference.url, room) as alice,
        await NodeYClient.start(reference.url, room) as bob,
        await PycrdtYClient.start(reference.url, room) as carol,
    ):
        await alice.insert_heading("Acme renewal", level=1)
        await bob.wait_text("Acme renewal")
        await bob.insert_paragraph("bob was here")
        await carol.wait_text("bob was here")
        await carol.insert_paragraph("carol too")
        await alice.insert_text(0, " 2025")
        for client in (alice, bob, carol):
            await client.wait_text("carol too")
            await client.wait_text("renewal 2025")

        texts = {await client.text() for client in (alice, bob, carol)}
        assert texts == {"Acme renewal 2025\nbob was here\ncarol too"}
        vectors = {(await client.state()).state_vector for client in (alice, bob)}
        assert len(vectors) == 1
        assert await alice.xml() == (
            '<heading level="1">Acme renewal 2025</heading><paragraph>bob was here</paragraph>'
            "<paragraph>carol too</paragraph>"
        )


async def test_node_state_decodes_in_pycrdt_as_a_tiptap_tree(reference: ReferenceServer, room: str) -> None:
    async with await NodeYClient.start(reference.url, room) as alice:
        await alice.insert_paragraph("body text")
        await alice.insert_heading("Title", level=2, index=0)
        state = await alice.state()

    doc: Doc[Any] = Doc()
    body = doc.get("body", type=XmlFragment)
    doc.apply_update(state.update)
    heading, paragraph = list(body.children)
    assert isinstance(heading, XmlElement)
    assert isinstance(paragraph, XmlElement)
    assert (heading.tag, heading.attributes.get("level"), paragraph.tag) == ("heading", 2, "paragraph")
    assert plain_text(body) == "Title\nbody text"
    assert doc.get_state() == state.state_vector


@pytest.mark.parametrize("kind", sorted(STARTERS))
async def test_awareness_reaches_the_other_kind(reference: ReferenceServer, room: str, kind: str) -> None:
    other = "pycrdt" if kind == "node" else "node"
    async with (
        await STARTERS[kind](reference.url, room) as sender,
        await STARTERS[other](reference.url, room) as receiver,
    ):
        await sender.set_awareness({"user": {"name": "Alice"}, "cursor": 3})
        client_id, state = await receiver.wait_awareness({"user": {"name": "Alice"}})
        assert state["cursor"] == 3
        assert client_id in await receiver.awareness()


@pytest.mark.parametrize("kind", sorted(STARTERS))
async def test_offline_edits_cross_after_reconnect(reference: ReferenceServer, room: str, kind: str) -> None:
    async with (
        await STARTERS[kind](reference.url, room) as roamer,
        await NodeYClient.start(reference.url, room) as stayer,
    ):
        await roamer.insert_paragraph("before")
        await stayer.wait_text("before")
        await roamer.disconnect()
        await roamer.insert_paragraph("written offline")
        await stayer.insert_paragraph("written online")
        await roamer.connect()
        await roamer.wait_synced()
        await roamer.wait_text("written online")
        await stayer.wait_text("written offline")
        assert await roamer.text() == await stayer.text()


@pytest.mark.parametrize("kind", sorted(STARTERS))
async def test_a_server_close_code_is_reported_and_not_retried(kind: str) -> None:
    refusals = [(4403, "not a member"), (4401, "bad token")]
    paths: list[str] = []

    async def refuse(websocket: ServerConnection) -> None:
        assert websocket.request is not None
        paths.append(websocket.request.path)
        await websocket.close(*refusals[len(paths) - 1])

    async with serve(refuse, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        client = await STARTERS[kind](f"ws://127.0.0.1:{port}/sync", "case-1", wait_synced=False)
        async with client:
            close = await client.wait_closed()
            assert (close.code, close.reason) == (4403, "not a member")
            # y-websocket's backoff would retry within ~200 ms if it took 44xx as transient.
            await asyncio.sleep(0.5)
            assert paths == ["/sync/case-1"]

            await client.connect()
            close = await client.wait_closed()
            assert (close.code, close.reason) == (4401, "bad token")
            assert paths == ["/sync/case-1", "/sync/case-1"]


async def test_a_dead_server_is_an_abnormal_close(room: str) -> None:
    server = await ReferenceServer.start()
    async with await NodeYClient.start(server.url, room) as client:
        await server.stop()
        assert (await client.wait_closed()).code == 1006


async def test_wait_text_times_out_with_the_text_seen(reference: ReferenceServer, room: str) -> None:
    async with await NodeYClient.start(reference.url, room) as client:
        await client.insert_paragraph("present")
        with pytest.raises(NodeClientError, match=r'waiting for text containing "absent"; text is "present"'):
            await client.wait_text("absent", timeout=0.2)
