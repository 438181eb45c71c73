"""A minimal graphql-transport-ws client (what graphql-ws speaks in the browser), for subscription tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

PROTOCOL = Subprotocol("graphql-transport-ws")


class Subscription:
    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    async def next(self, timeout: float = 10) -> dict[str, Any]:
        """The data of the next event; fails on an error message."""
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if message["type"] == "ping":
                await self.socket.send(json.dumps({"type": "pong"}))
                continue
            assert message["type"] == "next", message
            assert not message["payload"].get("errors"), message["payload"]["errors"]
            data: dict[str, Any] = message["payload"]["data"]
            return data

    async def message(self, timeout: float = 10) -> dict[str, Any]:
        """The next raw protocol message."""
        raw: dict[str, Any] = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
        return raw


@asynccontextmanager
async def subscribe(
    ws_url: str, query: str, *, token: str | None, variables: dict[str, Any] | None = None
) -> AsyncIterator[Subscription]:
    """Open /graphql, sign in with connection_init {token}, start `query`; waits until it is live."""
    async with connect(f"{ws_url}/graphql", subprotocols=[PROTOCOL]) as socket:
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"token": token} if token else {}})
        )
        ack = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        await socket.send(
            json.dumps(
                {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables or {}}}
            )
        )
        # The protocol does not confirm a subscription; give the server a moment to start listening.
        await asyncio.sleep(0.3)
        yield Subscription(socket)
