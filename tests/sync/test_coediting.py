"""Interoperability: npm yjs + y-websocket clients and pycrdt's provider co-edit `body` on a real server."""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from pycrdt import Doc

from server.domain.documents import store as documents
from server.domain.documents.text import plain_text
from tests.support.live import Live, live_server
from tests.support.servers import ServerProcess
from tests.support.yjs_node import NodeYClient
from tests.support.yjs_pycrdt import PycrdtYClient

pytestmark = pytest.mark.node


def _canonical(update: bytes) -> bytes:
    doc: Doc[Any] = Doc()
    doc.apply_update(update)
    return doc.get_update()


def _sync_base(live: Live) -> str:
    return f"{live.server.ws_url}/sync"


async def test_two_npm_clients_and_a_pycrdt_client_converge(live: Live) -> None:
    case = await live.case(bob="EDITOR", wang="EDITOR")
    url = _sync_base(live)
    async with (
        await NodeYClient.start(url, case.id, case.owner.token) as alice,
        await NodeYClient.start(url, case.id, case.members["bob"].token) as bob,
        await PycrdtYClient.start(url, case.id, case.members["wang"].token) as wang,
    ):
        await alice.insert_heading("Customer situation", level=2)
        await alice.insert_paragraph("Card payments fail at peak hours.")
        await wang.wait_text("peak hours")
        await asyncio.gather(
            bob.insert_paragraph("Mobile checkout only."),
            wang.insert_paragraph("高峰期支付失败率约 4%"),
            alice.insert_text(1, " Since Monday.", None),
        )
        for client in (alice, bob, wang):
            await client.wait_text("高峰期支付失败率约 4%")
            await client.wait_text("Mobile checkout only.")
            await client.wait_text("Since Monday.")
        # JS and Rust order clients differently when encoding; re-encode each state with pycrdt to compare.
        canonical = {_canonical((await c.state()).update) for c in (alice, bob, wang)}
        assert len(canonical) == 1, "the three clients hold different documents"
        texts = {await c.text() for c in (alice, bob, wang)}
        assert len(texts) == 1
        server_text = await live.gql.case_text(case.owner.token, case.id)
        assert server_text == texts.pop()
        assert server_text.splitlines()[0] == "Customer situation"


async def test_npm_clients_reconnect_after_sigkill_and_lose_nothing_seen(
    database_url: str, tmp_path: Path
) -> None:
    async with live_server(database_url, tmp_path) as live:
        case = await live.case(bob="EDITOR")
        url = _sync_base(live)
        alice = await NodeYClient.start(url, case.id, case.owner.token)
        bob = await NodeYClient.start(url, case.id, case.members["bob"].token)
        try:
            for i in range(40):
                await (alice if i % 2 else bob).insert_paragraph(f"line {i}")
            await alice.wait_text("line 38")
            await bob.wait_text("line 39")
            await live.server.kill()
            seen = set((await alice.text()).splitlines()) | set((await bob.text()).splitlines())
            # Both keep editing while the server is down; y-websocket reconnects by itself.
            await alice.insert_paragraph("typed while the server was down")
            restarted = await ServerProcess.start(database_url, tmp_path, port=live.server.port, name="back")
            try:
                await bob.wait_text("typed while the server was down", timeout=20)
                await bob.insert_paragraph("after the restart")
                await alice.wait_text("after the restart", timeout=20)
                final = set((await alice.text()).splitlines())
                assert seen <= final
                async with live.db.sessions() as session:
                    stored = await documents.load_doc(session, case.id)
                assert plain_text(stored) == await alice.text()
            finally:
                await restarted.stop()
        finally:
            await alice.close()
            await bob.close()


async def test_npm_clients_see_the_close_codes(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case(reader="VIEWER")
    outsider = await live.member()
    url = _sync_base(live)
    # A refused `syncTicket` reaches y-websocket as a close: 4401 signed out, 4404 not your case.
    for token, code in (("forged", 4401), (outsider.token, 4404)):
        async with await NodeYClient.start(url, case.id, token, wait_synced=False) as client:
            assert (await client.wait_closed()).code == code
    async with (
        await NodeYClient.start(url, case.id, case.owner.token) as owner,
        await NodeYClient.start(url, case.id, case.members["reader"].token) as reader,
    ):
        await reader.insert_paragraph("viewer typing")
        await owner.insert_paragraph("owner typing")
        await reader.wait_text("owner typing")
        await asyncio.sleep(0.3)
        assert "viewer typing" not in await owner.text()
