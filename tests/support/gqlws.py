"""A graphql-transport-ws client over the `websockets` library, for subscription tests."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

PROTOCOL = "graphql-transport-ws"


class GraphQLSocket:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    @classmethod
    async def connect(
        cls, ws_url: str, payload: dict[str, Any] | None = None, *, init: bool = True
    ) -> GraphQLSocket:
        """Open `/graphql` and (unless `init` is False) send `connection_init` with `payload`."""
        ws = await websockets.connect(f"{ws_url}/graphql", subprotocols=[PROTOCOL])  # type: ignore[list-item]
        socket = cls(ws)
        if init:
            await socket.send({"type": "connection_init", "payload": payload or {}})
        return socket

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def receive(self, timeout: float = 5.0) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        return message

    async def acknowledged(self) -> None:
        message = await self.receive()
        assert message["type"] == "connection_ack", message

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        operation_id = uuid.uuid4().hex
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": operation_id, "type": "subscribe", "payload": payload})
        return operation_id

    async def next_payload(self, operation_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """The payload of the operation's next `next` message (errors included), skipping pings."""
        while True:
            message = await self.receive(timeout)
            if message["type"] == "ping":
                await self.send({"type": "pong"})
                continue
            assert message.get("id") == operation_id, message
            assert message["type"] in ("next", "error"), message
            payload: dict[str, Any] = (
                message["payload"] if message["type"] == "next" else {"errors": message["payload"]}
            )
            return payload

    async def closed(self, timeout: float = 5.0) -> int | None:
        """Wait for the server to close the socket; its close code."""
        try:
            while True:
                await asyncio.wait_for(self.ws.recv(), timeout)
        except websockets.ConnectionClosed:
            pass
        return self.ws.close_code

    async def close(self) -> None:
        await self.ws.close()
