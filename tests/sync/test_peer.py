"""Slow clients: frames go straight to each socket, and one that stops reading is dropped, not waited for."""

import asyncio
import socket
import time
from pathlib import Path

import websockets

from server.sync import protocol
from server.sync.protocol import SyncKind
from tests.support.live import live_server
from tests.support.metrics import metrics
from tests.support.ysocket import YSocket

FRAME_LIMIT = 65_536  # the server then drops a client leaving more than 2 x 64 KiB unread
PARAGRAPH = 60_000


async def _stuck_client(url: str, port: int) -> websockets.ClientConnection:
    """A client that completes the handshake and asks for the document, then never reads again."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    client = await websockets.connect(url, sock=sock, max_size=None, max_queue=1, compression=None)
    await client.send(protocol.encode_sync(SyncKind.STEP1, b"\x00"))
    return client


async def test_a_client_that_stops_reading_is_dropped_and_the_room_goes_on(
    sqlite_url: str, tmp_path: Path
) -> None:
    env = {"WARROOM_MAX_FRAME_BYTES": str(FRAME_LIMIT)}
    async with live_server(sqlite_url, tmp_path, env=env) as live:
        case = await live.case(reader="VIEWER", stuck="VIEWER")
        writer = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
        reader = await YSocket.connect(await live.sync_url(case.id, case.members["reader"].token))
        stuck = await _stuck_client(
            await live.sync_url(case.id, case.members["stuck"].token), live.server.port
        )
        await writer.synced.wait()
        await reader.synced.wait()

        written = 0
        deadline = time.monotonic() + 60
        while '"close_code": 1013' not in live.server.logs():
            assert time.monotonic() < deadline, (
                f"still connected after {written} updates of {PARAGRAPH} chars"
            )
            writer.add_paragraph(f"{written:04d}" + "x" * PARAGRAPH)
            written += 1
            await asyncio.sleep(0.02)
        writer.add_paragraph("after the slow client left")

        text = await reader.wait_text("after the slow client left", timeout=30)
        assert all(f"{n:04d}x" in text for n in range(written)), "the reader missed an update"
        assert (await metrics(live.server.http_url))["warroom_sync_connections"] == 2
        assert "client too slow to receive updates" in live.server.logs()
        for client in (writer, reader):
            await client.close()
        await stuck.close()
