"""A crash (SIGKILL) mid-editing loses nothing any client had received; a reload is byte-identical."""

import asyncio
from pathlib import Path

from tests.support.live import Live, live_server
from tests.support.servers import ServerProcess
from tests.support.ysocket import YSocket


async def _type(client: YSocket, prefix: str, stop: asyncio.Event) -> None:
    n = 0
    while not stop.is_set():
        client.add_paragraph(f"{prefix}-{n}")
        n += 1
        await asyncio.sleep(0.005)


def _lines(text: str, prefix: str) -> set[str]:
    return {line for line in text.splitlines() if line.startswith(prefix)}


async def test_sigkill_mid_editing_loses_nothing_that_was_seen(database_url: str, tmp_path: Path) -> None:
    async with live_server(database_url, tmp_path) as live:
        case = await live.case(mate="EDITOR")
        alice = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
        bob = await YSocket.connect(await live.sync_url(case.id, case.members["mate"].token))
        watcher = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
        await asyncio.gather(alice.synced.wait(), bob.synced.wait(), watcher.synced.wait())
        stop = asyncio.Event()
        typing = [asyncio.create_task(_type(alice, "a", stop)), asyncio.create_task(_type(bob, "b", stop))]
        await asyncio.sleep(1.0)
        await live.server.kill()
        stop.set()
        await asyncio.gather(*typing)
        # What each client had received from the server: the other writers' lines.
        seen = (
            _lines(alice.text, "b")
            | _lines(bob.text, "a")
            | _lines(watcher.text, "a")
            | _lines(watcher.text, "b")
        )
        assert len(seen) > 50, "the clients should have exchanged many edits before the kill"

        restarted = await ServerProcess.start(database_url, tmp_path, port=live.server.port, name="restarted")
        try:
            fresh = await YSocket.connect(await restarted.sync_url(case.id, case.owner.token))
            await fresh.synced.wait()
            missing = seen - set(fresh.text.splitlines())
            assert not missing, (
                f"{len(missing)} lines a client had seen were lost, e.g. {sorted(missing)[:5]}"
            )
            state_before = fresh.doc.get_update()
            await fresh.close()
        finally:
            await restarted.stop()

        # A graceful restart (which compacts the log) reloads exactly the same bytes.
        again = await ServerProcess.start(database_url, tmp_path, port=live.server.port, name="again")
        try:
            reloaded = await YSocket.connect(await again.sync_url(case.id, case.owner.token))
            await reloaded.synced.wait()
            assert reloaded.doc.get_update() == state_before
            await reloaded.close()
        finally:
            await again.stop()
        for client in (alice, bob, watcher):
            await client.close()


async def test_reconnecting_writer_merges_offline_edits(live_sqlite: Live) -> None:
    live = live_sqlite
    case = await live.case()
    writer = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    await writer.synced.wait()
    await writer.close()
    writer.add_paragraph("typed while offline")
    back = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    back.doc.apply_update(writer.doc.get_update())  # the same local state, as y-websocket keeps it
    await back.synced.wait()
    observer = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
    await observer.wait_text("typed while offline")
    assert "typed while offline" in await live.gql.case_text(case.owner.token, case.id)
    await back.close()
    await observer.close()
