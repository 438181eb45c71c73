"""Sign-ins from one address run a few at a time, so a burst of guesses cannot flood the event loop.

Each refused guess is cheap (~0.3 ms), but two hundred arriving at once would all be ready to run, and a
live document's next sync frame would wait behind every one of them. Here a `/graphql` POST whose
document calls `login(` waits its turn per client address before it is parsed; waiting requests are
parked and cost nothing. Other requests (and other addresses) pass straight through.

On its turn, a plain `login` whose account or address is throttled is answered RATE_LIMITED here, with
the very answer the resolver would give, without GraphQL or the database: the refusals of a burst cost
a JSON parse, a cached document, a throttle lookup and a cached answer each, and no access log line
(`SignIn.refusal` logs the burst once).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.api.login_request import read_login
from server.domain.signin import SignIn
from server.infra.middleware import logged_elsewhere

# `login(` as a field call; a false match (the word in a text variable) only makes that request wait its turn.
_LOGIN = re.compile(rb"\blogin\s*\(")
DEFAULT_CONCURRENCY = 1


class _Turns:
    """A semaphore per key, dropped once nobody holds or waits for it."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._gates: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}

    async def run(self, key: str, turn: Callable[[], Awaitable[None]]) -> None:
        gate, users = self._gates.setdefault(key, (asyncio.Semaphore(self.size), [0]))
        users[0] += 1
        try:
            async with gate:
                await turn()
        finally:
            users[0] -= 1
            if not users[0]:
                del self._gates[key]

    def __len__(self) -> int:
        return len(self._gates)


class SignInGate:
    """At most `concurrency` sign-in requests per client address at once (WARROOM_LOGIN_CONCURRENCY);
    throttled ones refused early through `signin()` (None until the server has started)."""

    def __init__(
        self,
        app: ASGIApp,
        concurrency: int = DEFAULT_CONCURRENCY,
        path: str = "/graphql",
        signin: Callable[[], SignIn | None] = lambda: None,
    ) -> None:
        self.app = app
        self.path = path
        self.turns = _Turns(concurrency)
        self.signin = signin
        self.refused = 0

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
        address = str(client[0]) if client and client[0] else "unknown"

        async def turn() -> None:
            if not await self._refuse(scope, body, address, send):
                await self.app(scope, replayed, send)

        await self.turns.run(address, turn)

    async def _refuse(self, scope: Scope, body: bytes, address: str, send: Send) -> bool:
        """Answer a throttled sign-in RATE_LIMITED at once; False when it must go the normal way."""
        signin = self.signin()
        if signin is None or not _is_json(scope):
            return False
        call = read_login(body)
        if call is None:
            return False
        try:
            # the address as the resolver sees it (Context.client_address)
            error = await signin.refusal(email=call.email, address=address)
        except Exception:  # noqa: BLE001 (Redis down, say): the normal path answers, and fails closed
            return False
        if error is None:
            return False
        self.refused += 1
        # SignIn.refusal logs the burst (a warning per address per minute), not a line per guess
        logged_elsewhere(scope)
        answer = call.refused(error)
        headers = [(b"content-length", str(len(answer)).encode()), (b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})
        return True


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return bytes(value).split(b";")[0].strip().lower() == b"application/json"
    return False
