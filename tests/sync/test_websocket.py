"""The sync WebSocket protocol: the direct write's frames are exactly what websockets itself would send,
and keepalive pings of connections opened together do not come together; switched off
(WARROOM_FAST_WEBSOCKET=0), or not fitting the installed uvicorn, uvicorn's own protocol serves."""

import argparse
import asyncio
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from server import cli
from server.infra import logs, speedups
from server.infra.config import Settings
from server.infra.speedups import Incompatible
from server.sync import websocket
from server.sync.websocket import SyncWebSocketProtocol, binary_frame
from server.warmup import VARIABLE
from tests.support.live import live_server
from tests.support.ysocket import YSocket


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
        urls = [await live.sync_url(case.id, case.owner.token) for _ in range(20)]
        delays = sorted(await asyncio.gather(*(_first_ping_after(url) for url in urls)))
    assert delays[0] >= 0.9, "the first ping comes in the second half of the interval"
    assert delays[-1] <= 3.0
    assert delays[-1] - delays[0] > 0.3, f"pinged together: {delays}"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What `serve` would hand uvicorn, without serving."""
    seen: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **options: seen.update(options))
    monkeypatch.setattr(logs, "configure_logging", lambda _level, _format: None)
    monkeypatch.setattr(speedups, "_reported", set())
    monkeypatch.setenv(VARIABLE, "0")
    return seen


def _protocol(served: dict[str, Any], settings: Settings) -> Any:
    """The `ws=` protocol `serve` hands uvicorn under `settings`."""
    cli._serve(settings, argparse.Namespace(host=None, port=0, proxy_headers=False))
    return served.pop("ws")


def test_serve_uses_the_direct_writes_unless_switched_off(served: dict[str, Any]) -> None:
    assert _protocol(served, Settings()) is SyncWebSocketProtocol
    assert _protocol(served, Settings(fast_websocket=False)) == "websockets-sansio"


def test_a_uvicorn_that_moved_on_gets_its_own_protocol(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def moved_on() -> None:
        raise Incompatible("uvicorn 0.60.0 is outside the range it was written for [0.35, 0.56)")

    monkeypatch.setattr(websocket, "check_internals", moved_on)
    with caplog.at_level(logging.WARNING, "warroom.speedups"):
        assert _protocol(served, Settings()) == "websockets-sansio"
    assert "uvicorn 0.60.0 is outside" in caplog.text


@pytest.mark.parametrize("fast", ["1", "0"], ids=["direct-writes", "plain-uvicorn"])
async def test_clients_co_edit_through_either_protocol(sqlite_url: str, tmp_path: Path, fast: str) -> None:
    async with live_server(sqlite_url, tmp_path, env={"WARROOM_FAST_WEBSOCKET": fast}) as live:
        assert ("WARROOM_FAST_WEBSOCKET=0" in live.server.logs()) == (fast == "0")
        case = await live.case(bob="EDITOR")
        alice = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
        bob = await YSocket.connect(await live.sync_url(case.id, case.members["bob"].token))
        alice.add_paragraph("Card payments fail at peak hours.")
        await bob.wait_text("peak hours")
        # Past 65,535 bytes a frame carries an 8-byte length.
        long = "高峰期支付失败率约 4%。" * 6_000
        bob.add_paragraph(long)
        await alice.wait_text(long)
        late = await YSocket.connect(await live.sync_url(case.id, case.owner.token))
        await late.wait_text(long)
        assert alice.text == bob.text == late.text
        assert await live.gql.case_text(case.owner.token, case.id) == alice.text
        for client in (alice, bob, late):
            await client.close()
