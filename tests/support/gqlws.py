"""graphql-transport-ws clients for tests, written against the protocol with `websockets`: `subscribe`
(sign in, start one subscription, read its events) and `GqlWs` (send exact, and wrong, messages and
see the close codes). Both know when the server listens for a subscription: `GqlWs.subscribed`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from tests.support.metrics import metrics

PROTOCOL = Subprotocol("graphql-transport-ws")


# The server's count of event-bus subscriptions that events from any server reach (server/infra/events.py).
LISTENING = "warroom_event_subscriptions"


class Subscription:
    """One subscription (id "1") on its own signed-in socket."""

    def __init__(self, client: GqlWs) -> None:
        self.client = client

    async def next(self, timeout: float = 10) -> dict[str, Any]:
        """The data of the next event; fails on an error message."""
        return await self.client.next_data("1", timeout)

    async def message(self, timeout: float = 10) -> dict[str, Any]:
        """The next protocol message (pings answered)."""
        return await self.client.receive(timeout)


@asynccontextmanager
async def subscribe(
    ws_url: str, query: str, *, token: str | None, variables: dict[str, Any] | None = None
) -> AsyncIterator[Subscription]:
    """Open /graphql, sign in with connection_init {token}, start `query`; waits until the server listens
    (or has answered: a refusal is the next message)."""
    client = await GqlWs.connect(f"{ws_url}/graphql")
    try:
        await client.send({"type": "connection_init", "payload": {"token": token} if token else {}})
        ack = await client.receive(10)
        assert ack["type"] == "connection_ack", ack
        await client.subscribed("1", query, variables)
        yield Subscription(client)
    finally:
        await client.close()


def error_codes(message: dict[str, Any]) -> list[str]:
    """The `extensions.code` of each error an `error` or `next` message carries."""
    payload = message["payload"]
    errors = payload if isinstance(payload, list) else payload.get("errors") or []
    return [error["extensions"]["code"] for error in errors]


async def listening(http_url: str) -> int:
    """How many subscriptions the server at `http_url` listens for now."""
    return int((await metrics(http_url))[LISTENING])


class GqlWs:
    def __init__(self, ws: ClientConnection, http_url: str) -> None:
        self.ws = ws
        self.http_url = http_url
        # Messages that arrived while `subscribed` waited, for `receive`.
        self._held: deque[dict[str, Any]] = deque()

    @classmethod
    async def connect(cls, url: str, subprotocols: Sequence[str] = (PROTOCOL,)) -> GqlWs:
        ws = await websockets.connect(
            url, subprotocols=[Subprotocol(p) for p in subprotocols], compression=None, max_size=None
        )
        parts = urlsplit(url)
        return cls(ws, f"{'https' if parts.scheme == 'wss' else 'http'}://{parts.netloc}")

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
        if self._held:
            return self._held.popleft()
        while True:
            message = await self._next(timeout)
            if message is not None:
                return message

    async def _next(self, timeout: float) -> dict[str, Any] | None:
        """The next message; None for a ping, which is answered."""
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
        if message.get("type") == "ping":
            await self.send({"type": "pong"})
            return None
        return message

    async def subscribe(
        self,
        id: str,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        operation_name: str | None = None,
    ) -> None:
        payload: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name is not None:
            payload["operationName"] = operation_name
        await self.send({"id": id, "type": "subscribe", "payload": payload})

    async def subscribed(
        self,
        id: str,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        """Subscribe, and return once the server listens for the operation's events.

        graphql-transport-ws confirms nothing before the first event, so this watches the server's count
        of subscriptions on /metrics, which rises once events from any server reach the new one. An
        answer instead (a refusal) ends the wait too and is kept for `receive`. Another subscription
        starting or ending on that server meanwhile would confuse the count: subscribe one at a time.
        """
        expected = await listening(self.http_url) + 1
        await self.subscribe(id, query, variables, operation_name=operation_name)
        deadline = time.monotonic() + timeout
        while await listening(self.http_url) < expected:
            assert time.monotonic() < deadline, f"the server did not start listening for {id!r} in {timeout}s"
            with contextlib.suppress(TimeoutError):  # websockets' recv() may be cancelled without loss
                message = await self._next(0.05)
                if message is not None:
                    self._held.append(message)
                    return

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
