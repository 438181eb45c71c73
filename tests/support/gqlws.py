"""A minimal graphql-transport-ws client (what graphql-ws speaks in the browser), for subscription tests;
`GraphQLSocket` speaks the protocol message by message, for tests of what the server refuses."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
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


class GraphQLSocket:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    @classmethod
    async def connect(
        cls, ws_url: str, payload: dict[str, Any] | None = None, *, init: bool = True
    ) -> GraphQLSocket:
        """Open `/graphql` and (unless `init` is False) send `connection_init` with `payload`."""
        ws = await connect(f"{ws_url}/graphql", subprotocols=[PROTOCOL])
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
        except ConnectionClosed:
            pass
        return self.ws.close_code

    async def close(self) -> None:
        await self.ws.close()
