"""graphql-transport-ws clients for tests, written against the protocol with `websockets`: `subscribe`
(sign in, start one subscription, read its events) and `GqlWs` (send exact, and wrong, messages and
see the close codes)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import websockets
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


class GqlWs:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    @classmethod
    async def connect(cls, url: str, subprotocols: Sequence[str] = (PROTOCOL,)) -> GqlWs:
        return cls(
            await websockets.connect(
                url, subprotocols=[Subprotocol(p) for p in subprotocols], compression=None, max_size=None
            )
        )

    @classmethod
    async def signed_in(cls, url: str, token: str) -> GqlWs:
        """Connected and acknowledged."""
        client = await cls.connect(url)
        await client.send({"type": "connection_init", "payload": {"token": token}})
        ack = await client.receive()
        assert ack["type"] == "connection_ack", ack
        return client

    async def send(self, message: dict[str, Any] | str) -> None:
        await self.ws.send(message if isinstance(message, str) else json.dumps(message))

    async def receive(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next message that is not a ping (pings are answered)."""
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
            message: dict[str, Any] = json.loads(raw)
            if message.get("type") == "ping":
                await self.send({"type": "pong"})
                continue
            return message

    async def subscribe(self, id: str, query: str, variables: dict[str, Any] | None = None) -> None:
        await self.send(
            {"id": id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}}
        )

    async def next_data(self, id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The data of the next `next` message of subscription `id` (errors fail the test)."""
        message = await self.receive(timeout)
        assert message.get("id") == id, message
        assert message["type"] == "next", message
        assert not message["payload"].get("errors"), message
        data: dict[str, Any] = message["payload"]["data"]
        return data

    async def closed(self, timeout: float = 5.0) -> tuple[int | None, str]:
        """Wait for the server to close; its close code and reason."""
        try:
            while True:
                await asyncio.wait_for(self.ws.recv(), timeout)
        except websockets.ConnectionClosed:
            pass
        return self.ws.close_code, self.ws.close_reason or ""

    async def close(self) -> None:
        await self.ws.close()
