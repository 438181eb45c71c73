"""The sync WebSocket protocol: the direct write's frames are exactly what websockets itself would send,
and keepalive pings of connections opened together do not come together."""

import asyncio
import time
from pathlib import Path

import pytest
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from server.sync.websocket import binary_frame
from tests.support.live import live_server


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65_535, 65_536, 70_000])
def test_binary_frames_match_websockets_own(size: int) -> None:
    payload = (bytes(range(256)) * (size // 256 + 1))[:size]
    assert binary_frame(payload) == Frame(Opcode.BINARY, payload).serialize(mask=False)


def test_a_broadcast_is_framed_once_and_the_next_payload_afresh() -> None:
    first, second = b"first update", b"second one"
    framed = binary_frame(first)
    assert binary_frame(first) is framed, "the same bytes object was framed twice"
    assert binary_frame(second).endswith(second)
    assert binary_frame(bytes(first)) == framed


async def _first_ping_after(url: str) -> float:
    """Seconds from a new connection's handshake to the server's first ping on it."""
    uri = parse_uri(url)
    protocol = ClientProtocol(uri)
    reader, writer = await asyncio.open_connection(uri.host, uri.port)
    protocol.send_request(protocol.connect())
    writer.write(b"".join(protocol.data_to_send()))
    opened = None
    try:
        while data := await reader.read(65536):
            protocol.receive_data(data)
            for event in protocol.events_received():
                if isinstance(event, Response):
                    opened = time.monotonic()
                elif isinstance(event, Frame) and event.opcode is Opcode.PING:
                    assert opened is not None
                    return time.monotonic() - opened
        raise AssertionError("the server closed the connection before it pinged")
    finally:
        writer.close()


async def test_connections_opened_together_are_pinged_at_different_moments(
    sqlite_url: str, tmp_path: Path
) -> None:
    """With one fixed interval, connections opened together (all clients of a restarted server) would
    be pinged, and answer, at the same instant every interval for as long as they last."""
    async with live_server(sqlite_url, tmp_path, env={"WARROOM_WS_PING_SECONDS": "2"}) as live:
        case = await live.case()
        url = live.sync_url(case.id, case.owner.token)
        delays = sorted(await asyncio.gather(*(_first_ping_after(url) for _ in range(20))))
    assert delays[0] >= 0.9, "the first ping comes in the second half of the interval"
    assert delays[-1] <= 3.0
    assert delays[-1] - delays[0] > 0.3, f"pinged together: {delays}"
