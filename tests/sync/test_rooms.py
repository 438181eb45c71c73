"""Room lifecycle on a real server: one room per case however clients arrive, gone after the last leaves."""

import asyncio
import contextlib
import json

from server.sync import protocol
from tests.support.live import Live
from tests.support.metrics import metrics, wait_metric
from tests.support.yjs_node import NodeYClient
from tests.support.ysocket import YSocket, synced, until


async def test_clients_arriving_at_once_share_one_room_which_closes_after_the_last(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case()
    urls = [await live.sync_url(case.id, case.owner.token) for _ in range(30)]
    clients = await asyncio.gather(*(YSocket.connect(url) for url in urls))
    await asyncio.gather(*(c.synced.wait() for c in clients))
    assert (await metrics(live.server.http_url))["warroom_rooms_open"] == 1
    clients[0].add_paragraph("one room for all")
    await asyncio.gather(*(c.wait_text("one room for all") for c in clients))
    await asyncio.gather(*(c.close() for c in clients))
    await wait_metric(live.server.http_url, "warroom_rooms_open", 0)
    assert (await metrics(live.server.http_url))["warroom_sync_connections"] == 0
    # A closed room reopens from the database with everything in it.
    again = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    await again.wait_text("one room for all")
    await again.close()


def _name(entry: protocol.AwarenessEntry) -> str:
    """The name on an awareness state: the server writes the signed-in person's (people.py: email's)."""
    return str(json.loads(entry.state)["user"]["name"])


def _awareness(client_id: int, clock: int, state: str) -> bytes:
    return protocol.encode_awareness(
        protocol.encode_awareness_update([protocol.AwarenessEntry(client_id, clock, state)])
    )


async def test_awareness_reaches_others_and_is_cleared_when_a_client_leaves(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case(mate="VIEWER")
    owner, viewer = await synced(live, case.id, case.owner.token, case.members["mate"].token)
    await viewer.send_raw(_awareness(424242, 1, '{"user":{"name":"Viewer"}}'))
    await until(lambda: any(_name(e) == "User2" for e in owner.awareness_of(424242)))
    await viewer.close()
    await until(lambda: any(e.state == "null" for e in owner.awareness_of(424242)))
    await owner.close()


async def test_an_awareness_state_sent_back_or_outdated_is_not_forwarded(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case(mate="EDITOR", guest="VIEWER")
    tokens = (case.owner.token, case.members["mate"].token, case.members["guest"].token)
    owner, mate, guest = await synced(live, case.id, *tokens)
    await owner.send_raw(_awareness(1, 2, '{"user":{"name":"Owner"}}'))
    await until(lambda: bool(mate.awareness_of(1)))
    # What a y-websocket client does with every change it receives: send it back as it came.
    await mate.send_raw(_awareness(1, 2, '{"user":{"name":"Owner"}}'))
    await mate.send_raw(_awareness(1, 1, '{"user":{"name":"Owner, before"}}'))
    await mate.send_raw(_awareness(2, 1, '{"user":{"name":"Mate"}}'))  # news: sent after the others
    await until(lambda: bool(owner.awareness_of(2)) and bool(guest.awareness_of(2)))
    for client in (owner, mate, guest):
        assert [(e.clock, _name(e)) for e in client.awareness_of(1)] == [(2, "User1")]
    for client in (owner, mate, guest):
        await client.close()


async def test_a_client_leaving_clears_only_the_states_it_announced(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case(mate="EDITOR")
    owner, mate = await synced(live, case.id, case.owner.token, case.members["mate"].token)
    await owner.send_raw(_awareness(1, 1, '{"user":{"name":"Owner"}}'))
    await until(lambda: bool(mate.awareness_of(1)))
    await mate.send_raw(_awareness(1, 1, '{"user":{"name":"Owner"}}'))  # sent back, as clients do
    await mate.send_raw(_awareness(2, 1, '{"user":{"name":"Mate"}}'))
    await until(lambda: bool(owner.awareness_of(2)))
    await mate.close()
    await until(lambda: any(e.state == "null" for e in owner.awareness_of(2)))
    assert [_name(e) for e in owner.awareness_of(1)] == ["User1"]
    # A newcomer still learns the owner's state, and not the mate's.
    (late,) = await synced(live, case.id, case.owner.token)
    await until(lambda: bool(late.awareness_of(1)))
    assert not late.awareness_of(2)
    await owner.close()
    await late.close()


async def test_npm_clients_get_each_awareness_change_once(live_sqlite: Live) -> None:
    """Each npm client sends back what it receives; the room forwards every change once, as the
    reference server does (forwarding the echoes made n² frames of every change in a room of n)."""
    live = live_sqlite
    case = await live.case(bob="EDITOR", carol="VIEWER")
    (watcher,) = await synced(live, case.id, case.owner.token)
    url = f"{live.server.ws_url}/sync"
    tokens = (case.owner.token, case.members["bob"].token, case.members["carol"].token)
    names = ("Ana", "Bo", "Cai")
    async with contextlib.AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(await NodeYClient.start(url, case.id, t)) for t in tokens]
        for client, name in zip(clients, names, strict=True):
            await client.set_awareness({"user": {"name": name}, "tag": name})
        for client, name in zip(clients, names, strict=True):
            for other in names:
                if other != name:
                    await client.wait_awareness({"tag": other})
        # Each client sent its echoes before it saw the last state; its paragraph comes after them.
        for client, name in zip(clients, names, strict=True):
            if name != "Cai":  # carol may not write
                await client.insert_paragraph(f"from {name}")
        await watcher.wait_text("from Ana")
        await watcher.wait_text("from Bo")
        for client, name in zip(clients, names, strict=True):
            states = [e.state for e in watcher.awareness_of(client.client_id) if e.state != "null"]
            assert len(states) == 1, f"{name}'s state reached the watcher {len(states)} times: {states}"
    await watcher.close()
