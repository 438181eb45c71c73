"""uvicorn's sans-I/O WebSocket protocol, plus a direct way for a room to write a binary message.

A room sends every update to every peer. Through ASGI each of those sends is a task wake-up, an
ASGI `send` call, a websockets `Frame` and its serialisation, per peer. Here the room's bytes are
framed once per broadcast and written to each socket's transport as they are, whenever the socket
can take them at once; everything else (the handshake, closing, pings, a socket whose buffer is
full) keeps going through uvicorn's own code.

The endpoint finds the writer in the ASGI scope under `extensions[DIRECT_WRITE]["write"]` (and
`["abort"]`, to drop a client too slow to read what it was sent); under another server the extension
is absent and every frame goes through ASGI. uvicorn's module is private: `check_internals` holds what
this one relies on, and `serve` uses uvicorn's plain protocol when it fails (server/infra/speedups.py).
"""

from __future__ import annotations

import random
import struct

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request
from websockets.protocol import State

from server.infra.speedups import require_members, require_parameters, require_version
from server.sync.endpoint import DIRECT_WRITE

_FIN_BINARY = 0x82

_last_payload: bytes | None = None
_last_frame = b""


def binary_frame(payload: bytes) -> bytes:
    """An unmasked, final, binary frame (a server's frame, RFC 6455 §5.2) carrying `payload`.

    A broadcast hands the same bytes object to every peer, so the last frame is kept and
    reused while the same object comes again.
    """
    global _last_payload, _last_frame
    if payload is _last_payload:
        return _last_frame
    size = len(payload)
    if size < 126:
        header = bytes((_FIN_BINARY, size))
    elif size < 65536:
        header = struct.pack("!BBH", _FIN_BINARY, 126, size)
    else:
        header = struct.pack("!BBQ", _FIN_BINARY, 127, size)
    _last_payload, _last_frame = payload, header + payload
    return _last_frame


def check_internals() -> None:
    """Raise `Incompatible` unless uvicorn's protocol has what `SyncWebSocketProtocol` overrides and reads."""
    require_version("uvicorn", "0.35", "0.56")
    require_version("websockets", "15", "18")
    base = WebSocketsSansIOProtocol
    require_parameters(base.handle_connect, "self", "event")
    require_parameters(base.start_keepalive, "self")
    require_members(base, "send_keepalive_ping", "ping_interval", "ping_timer", "loop", "scope", "transport")
    require_members(base, "handshake_complete", "close_sent", "disconnected", "conn")
    require_members(State, "OPEN")


class SyncWebSocketProtocol(WebSocketsSansIOProtocol):
    """Pass as uvicorn's `ws=`; adds `write_binary` to each accepted socket's scope."""

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)  # absent when the handshake was refused
        if scope is not None:
            scope["extensions"][DIRECT_WRITE] = {"write": self.write_binary, "abort": self.abort_connection}

    def start_keepalive(self) -> None:
        """uvicorn's keepalive, but the first ping comes at a random point of the interval's second half.

        Each later ping follows its pong by one interval, so connections opened together (every client
        of a restarted server comes back at once; every browser of a war room opens it at the start of
        the meeting) would ping together, and answer together, for as long as they last: in the fan-out
        benchmark's 20-second runs, 200 such pings made one of the slowest quarter-seconds of live edits
        (docs/benchmarks.md).
        """
        if self.ping_interval is not None and self.ping_interval > 0:
            delay = self.ping_interval * random.uniform(0.5, 1.0)
            self.ping_timer = self.loop.call_later(delay, self.send_keepalive_ping)

    def write_binary(self, payload: bytes) -> int:
        """Write one binary message now; returns the bytes the transport now holds unsent, or -1.

        -1 (nothing written: use ASGI `send`) while the handshake is not done and once a close is
        under way. A client that reads slowly does not make it decline: the transport buffers what
        the socket cannot take yet, and the caller decides from the returned size when a client has
        fallen too far behind.
        """
        if (
            not self.handshake_complete
            or self.close_sent
            or self.disconnected
            or self.conn.state is not State.OPEN
            or self.transport.is_closing()
        ):
            return -1
        self.transport.write(binary_frame(payload))
        return self.transport.get_write_buffer_size()

    def abort_connection(self) -> None:
        """Drop the connection at once, and whatever is still buffered for it."""
        self.transport.abort()
