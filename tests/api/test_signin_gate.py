"""Sign-in requests from one address take turns; everything else passes straight through."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from server.api.signin_gate import SignInGate
from server.domain.signin import SignIn, SignInRules
from server.infra.db import Database
from server.infra.middleware import AccessLog
from server.infra.throttle import Budget, MemoryThrottle, RedisThrottle, hashed

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


RULES = SignInRules(
    account=Budget(free=2, window=900.0, first_delay=60.0, max_delay=60.0),
    address=Budget(free=50, window=900.0, first_delay=60.0, max_delay=60.0),
)


async def test_a_throttled_sign_in_is_answered_without_reaching_graphql(db: Database) -> None:
    throttle = MemoryThrottle()
    signin = SignIn(db, throttle, RULES, timedelta(hours=1))
    recorder = Recorder()
    gate = SignInGate(recorder, concurrency=1, signin=lambda: signin)
    await _post_many(gate, LOGIN, 3)
    assert len(recorder.bodies) == 3  # nothing throttled yet: all go the normal way
    for _ in range(2):  # what the resolver counts for two wrong guesses at 王芳@a.com
        await throttle.acquire([(hashed("login-account", "王芳@a.com"), RULES.account)])
    await _post_many(gate, LOGIN, 20)
    assert (len(recorder.bodies), gate.refused) == (3, 20)
    await _post_many(gate, LOGIN, 2, client="10.0.0.2")  # the account is locked from everywhere
    assert (len(recorder.bodies), gate.refused) == (3, 22)
    transport = httpx.ASGITransport(app=gate, client=("10.0.0.1", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        answer = await http.post(
            "/graphql", json={"query": LOGIN, "variables": {"e": "王芳@a.com", "p": "x"}}
        )
        assert answer.status_code == 200
        assert answer.json()["errors"][0]["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 60}
        # another account, and what the gate does not read as a plain login, go the normal way
        await http.post("/graphql", json={"query": LOGIN, "variables": {"e": "ana@a.com", "p": "x"}})
        twice = f'mutation {{ a: login(email: {json.dumps("王芳@a.com")}, password: "x") {{ token }} b: __typename }}'
        await http.post("/graphql", json={"query": twice})
        form = {"query": LOGIN, "variables": json.dumps({"e": "王芳@a.com", "p": "x"})}
        await http.post("/graphql", data=form)
    assert (len(recorder.bodies), gate.refused) == (6, 23)
    await throttle.forget(hashed("login-account", "王芳@a.com"))  # what a success does
    await _post_many(gate, LOGIN, 2)
    assert (len(recorder.bodies), gate.refused) == (8, 23)


async def test_without_an_answer_from_the_throttle_the_sign_in_goes_the_normal_way(db: Database) -> None:
    unreachable = RedisThrottle("redis://127.0.0.1:1", "gate-test")  # nothing listens on port 1
    recorder = Recorder()
    gate = SignInGate(recorder, signin=lambda: SignIn(db, unreachable, RULES, timedelta(hours=1)))
    await _post_many(gate, LOGIN, 2)  # where the resolver fails closed (INTERNAL)
    assert (len(recorder.bodies), gate.refused) == (2, 0)
    await unreachable.close()


async def test_a_refusal_at_the_gate_costs_no_access_log_line(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    throttle = MemoryThrottle()
    signin = SignIn(db, throttle, RULES, timedelta(hours=1))
    recorder = Recorder()
    gate = SignInGate(recorder, concurrency=1, signin=lambda: signin)
    logged = AccessLog(gate)
    for email in ("王芳@a.com", "wang@a.com"):
        for _ in range(2):
            await throttle.acquire([(hashed("login-account", email), RULES.account)])
    caplog.set_level(logging.DEBUG)
    transport = httpx.ASGITransport(app=logged, client=("10.0.0.1", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        for email in ("王芳@a.com", "wang@a.com", "ana@a.com"):  # two refused, one the normal way
            await http.post("/graphql", json={"query": LOGIN, "variables": {"e": email, "p": "x"}})
    assert (len(recorder.bodies), gate.refused) == (1, 2)
    lines = [r for r in caplog.records if r.name == "warroom.http"]
    assert [(r.getMessage(), getattr(r, "status", None)) for r in lines] == [("request", 200)]
    # the burst is logged once, by the sign-in (a warning for the address, then debug lines)
    throttled = [r.levelname for r in caplog.records if r.getMessage() == "sign-in throttled"]
    assert throttled == ["WARNING", "DEBUG"]
