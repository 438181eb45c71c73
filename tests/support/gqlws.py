"""A graphql-transport-ws client written against the protocol with the `websockets` library, so tests
can send exact (and wrong) messages and see the close codes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

PROTOCOL = Subprotocol("graphql-transport-ws")


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
