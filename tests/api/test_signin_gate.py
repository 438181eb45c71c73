"""Sign-in requests from one address take turns; everything else passes straight through."""

from __future__ import annotations

import asyncio
import json

import httpx
from starlette.types import Receive, Scope, Send

from server.api.signin_gate import SignInGate

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"


class Recorder:
    """An ASGI app that holds each request a moment and records how many it held at once and what it read."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.running += 1
        self.most = max(self.most, self.running)
        await asyncio.sleep(0.02)
        self.running -= 1
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def _post_many(gate: SignInGate, query: str, count: int, client: str = "10.0.0.1") -> None:
    transport = httpx.ASGITransport(app=gate, client=(client, 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        variables = {"e": "王芳@a.com", "p": "猜一猜 guess"}
        await asyncio.gather(
            *(http.post("/graphql", json={"query": query, "variables": variables}) for _ in range(count))
        )


async def test_sign_ins_from_one_address_take_turns_and_arrive_whole() -> None:
    recorder = Recorder()
    gate = SignInGate(recorder, concurrency=2)
    await _post_many(gate, LOGIN, 8)
    assert recorder.most == 2
    assert len(gate.turns) == 0  # nothing kept once the turns are over
    assert {json.loads(body)["variables"]["e"] for body in recorder.bodies} == {"王芳@a.com"}


async def test_other_requests_and_other_addresses_pass_straight_through() -> None:
    recorder = Recorder()
    gate = SignInGate(recorder, concurrency=2)
    await _post_many(gate, "query($e: String!, $p: String!) { me { id } demoLogins { email } }", 8)
    assert recorder.most == 8
    recorder.most = 0
    await asyncio.gather(
        _post_many(gate, LOGIN, 2, client="10.0.0.1"), _post_many(gate, LOGIN, 2, client="10.0.0.2")
    )
    assert recorder.most == 4
