"""Sign-ins from one address run a few at a time, so a burst of guesses cannot flood the event loop.

Each refused guess is cheap (~0.5 ms), but two hundred arriving at once would all be ready to run, and a
live document's next sync frame would wait behind every one of them. Here a `/graphql` POST whose
document calls `login(` waits its turn per client address before it is parsed; waiting requests are
parked and cost nothing. Other requests (and other addresses) pass straight through.
"""

from __future__ import annotations

import asyncio
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# `login(` as a field call; a false match (the word in a text variable) only makes that request wait its turn.
_LOGIN = re.compile(rb"\blogin\s*\(")
DEFAULT_CONCURRENCY = 1


class _Turns:
    """A semaphore per key, dropped once nobody holds or waits for it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._gates: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}

    async def run(self, key: str, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        gate, users = self._gates.setdefault(key, (asyncio.Semaphore(self.size), [0]))
        users[0] += 1
        try:
            async with gate:
                await app(scope, receive, send)
        finally:
            users[0] -= 1
            if not users[0]:
                del self._gates[key]

    def __len__(self) -> int:
        return len(self._gates)


class SignInGate:
    """At most `concurrency` sign-in requests per client address at once (WARROOM_LOGIN_CONCURRENCY)."""

    def __init__(self, app: ASGIApp, concurrency: int = DEFAULT_CONCURRENCY, path: str = "/graphql") -> None:
        self.app = app
        self.path = path
        self.turns = _Turns(concurrency)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or scope.get("path") != self.path:
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        replay = iter(messages)

        async def replayed() -> Message:
            return next(replay, None) or await receive()

        if not _LOGIN.search(body):
            await self.app(scope, replayed, send)
            return
        client = scope.get("client")
        await self.turns.run(str(client[0]) if client else "unknown", self.app, scope, replayed, send)
