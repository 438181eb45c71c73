"""Room lifecycle on a real server: one room per case however clients arrive, gone after the last leaves."""

import asyncio

from tests.support.live import Live
from tests.support.metrics import metrics, wait_metric
from tests.support.ysocket import YSocket


async def test_clients_arriving_at_once_share_one_room_which_closes_after_the_last(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case()
    url = live.sync_url(case.id, case.owner.token)
    clients = await asyncio.gather(*(YSocket.connect(url) for _ in range(30)))
    await asyncio.gather(*(c.synced.wait() for c in clients))
    assert (await metrics(live.server.http_url))["warroom_rooms_open"] == 1
    clients[0].add_paragraph("one room for all")
    await asyncio.gather(*(c.wait_text("one room for all") for c in clients))
    await asyncio.gather(*(c.close() for c in clients))
    await wait_metric(live.server.http_url, "warroom_rooms_open", 0)
    assert (await metrics(live.server.http_url))["warroom_sync_connections"] == 0
    # A closed room reopens from the database with everything in it.
    again = await YSocket.connect(url)
    await again.wait_text("one room for all")
    await again.close()


async def test_awareness_reaches_others_and_is_cleared_when_a_client_leaves(live_sqlite: Live) -> None:
    from server.sync import protocol

    live = live_sqlite
    case = await live.case(mate="VIEWER")
    owner = await YSocket.connect(live.sync_url(case.id, case.owner.token))
    viewer = await YSocket.connect(live.sync_url(case.id, case.members["mate"].token))
    await asyncio.gather(owner.synced.wait(), viewer.synced.wait())
    state = protocol.AwarenessEntry(424242, 1, '{"user":{"name":"Viewer"}}')
    await viewer.send_raw(protocol.encode_awareness(protocol.encode_awareness_update([state])))

    async def seen(client: YSocket, entry_state: str) -> None:
        while not any(
            e.client_id == 424242 and e.state == entry_state
            for payload in client.awareness
            for e in protocol.decode_awareness(payload)
        ):
            await asyncio.sleep(0.02)

    await asyncio.wait_for(seen(owner, state.state), 5)
    await viewer.close()
    await asyncio.wait_for(seen(owner, "null"), 5)
    await owner.close()
