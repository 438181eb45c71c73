"""`login` over HTTP: one per request, RATE_LIMITED with retryAfter, shared by servers through Redis."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import ASGIApp

from server.api.signin_gate import SignInGate
from server.app import create_app
from server.infra.config import Settings
from server.infra.db import Database
from tests.support.graphql import GraphQL
from tests.support.people import PASSWORD, make_person
from tests.support.services import REDIS_URL, require_redis

LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
FAST = {
    "WARROOM_LOGIN_ACCOUNT_ATTEMPTS": "3",
    "WARROOM_LOGIN_ADDRESS_ATTEMPTS": "6",
    # 1 s: a wait must outlast the password check before the next attempt, which on a loaded machine (the
    # hashing children give way to every other process) can take well over 0.3 s
    "WARROOM_LOGIN_BACKOFF_SECONDS": "1",
}

Serve = Callable[..., AbstractAsyncContextManager[GraphQL]]


@pytest.fixture
def serve(settings: Settings) -> Serve:
    """An app in-process with extra WARROOM_* settings."""

    @asynccontextmanager
    async def run(env: dict[str, str], **options: object) -> AsyncIterator[GraphQL]:
        configured = dataclasses.replace(settings, extra={**settings.extra, **env}, **options)  # type: ignore[arg-type]
        app = create_app(configured)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=(str(env.get("address", "127.0.0.1")), 4321))
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield GraphQL(client)

    return run


async def _guess(api: GraphQL, email: str, password: str = "guess guess") -> list[str]:
    return (await api.error(LOGIN, {"e": email, "p": password})).codes


async def test_two_logins_in_one_request_are_refused(api: GraphQL, app_db: Database) -> None:
    await make_person(app_db, "ana@a.com")
    twice = (
        'mutation { a: login(email: "ana@a.com", password: "one guess") { token } '
        'b: login(email: "ana@a.com", password: "two guess") { token } }'
    )
    error = await api.error(twice)
    assert error.codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert (
        error.errors[0]["message"] == "Only one login is allowed per request; send each sign-in on its own."
    )
    through_fragments = (
        'mutation { ...A ...B } fragment A on Mutation { a: login(email: "ana@a.com", password: "x1") { token } } '
        'fragment B on Mutation { b: login(email: "ana@a.com", password: "x2") { token } }'
    )
    assert (await api.error(through_fragments)).codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert await api.login("ana@a.com", PASSWORD)


async def test_an_account_locks_with_retry_after_then_backs_off(serve: Serve, app_db: Database) -> None:
    await make_person(app_db, "ana@a.com")
    async with serve({**FAST, "WARROOM_LOGIN_ADDRESS_ATTEMPTS": "50"}) as api:
        assert [await _guess(api, "ana@a.com") for _ in range(3)] == [["UNAUTHENTICATED"]] * 3
        refused = await api.error(LOGIN, {"e": "ana@a.com", "p": PASSWORD})
        assert refused.codes == ["RATE_LIMITED"]
        assert refused.errors[0]["extensions"]["retryAfter"] == 1
        assert refused.errors[0]["message"] == "Too many sign-in attempts. Try again in 1 second."
        await asyncio.sleep(1.05)
        assert await _guess(api, "ana@a.com") == ["UNAUTHENTICATED"]  # the wait doubles now: 2 s
        assert await _guess(api, "ana@a.com", PASSWORD) == ["RATE_LIMITED"]
        await asyncio.sleep(2.05)
        assert await api.login("ana@a.com", PASSWORD)
        # a success starts the account afresh
        assert [await _guess(api, "ana@a.com") for _ in range(3)] == [["UNAUTHENTICATED"]] * 3


async def test_another_account_still_signs_in_and_an_address_has_a_budget(
    serve: Serve, app_db: Database
) -> None:
    await make_person(app_db, "ana@a.com")
    await make_person(app_db, "wang@a.com", name="王芳")
    async with serve(FAST) as api:
        for _ in range(4):
            await _guess(api, "ana@a.com")
        assert await _guess(api, "ana@a.com", PASSWORD) == ["RATE_LIMITED"]
        assert await api.login("wang@a.com", PASSWORD)
        # three failures on ana, then three on strangers: the address's six are spent
        assert [await _guess(api, f"nobody{n}@a.com") for n in range(3)] == [["UNAUTHENTICATED"]] * 3
        assert await _guess(api, "wang@a.com", PASSWORD) == ["RATE_LIMITED"]
    async with serve({**FAST, "address": "10.1.2.3"}) as elsewhere:
        assert await elsewhere.login("wang@a.com", PASSWORD)


@asynccontextmanager
async def _app(settings: Settings, env: dict[str, str]) -> AsyncIterator[tuple[Starlette, SignInGate]]:
    app = create_app(dataclasses.replace(settings, extra={**settings.extra, **env}))
    async with app.router.lifespan_context(app):
        layer = app.build_middleware_stack()
        app.middleware_stack = layer
        while not isinstance(layer, SignInGate):
            layer = layer.app  # type: ignore[attr-defined]
        yield app, layer


def _client(app: ASGIApp, address: str = "127.0.0.1") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(address, 4321)), base_url="http://t"
    )


# The plain shapes the gate reads; each refused there must read exactly as GraphQL refuses it.
SHAPES = [
    ({"query": LOGIN, "variables": {"e": "ana@a.com", "p": PASSWORD}}),
    (
        {
            "query": 'mutation SignIn {\n  guess: login(password: "猜一猜", email: "ANA@a.com") { token user { id } }\n}'
        }
    ),
    (
        {
            "query": "query Me { me { id } } mutation SignIn($e: String!) { login(email: $e, password: $e) "
            "{ ...T } } fragment T on LoginPayload { token }",
            "operationName": "SignIn",
            "variables": {"e": " ana@A.com"},
        }
    ),
]


async def test_a_throttled_sign_in_is_refused_at_the_gate_exactly_as_graphql_refuses_it(
    settings: Settings, app_db: Database
) -> None:
    await make_person(app_db, "ana@a.com")
    await make_person(app_db, "wang@a.com", name="王芳")
    # A 2 s back-off: every refusal below must land inside it, also on a loaded machine.
    slow = {**FAST, "WARROOM_LOGIN_ADDRESS_ATTEMPTS": "50", "WARROOM_LOGIN_BACKOFF_SECONDS": "2"}
    async with _app(settings, slow) as (app, gate):
        graphql = app.state.runtime.graphql  # the same server without its middleware: the normal path
        async with _client(app) as http, _client(graphql) as normal:
            api = GraphQL(http)
            assert [await _guess(api, "ana@a.com") for _ in range(3)] == [["UNAUTHENTICATED"]] * 3
            assert gate.refused == 0
            for shape in SHAPES:
                early, late = (
                    await http.post("/graphql", json=shape),
                    await normal.post("/graphql", json=shape),
                )
                assert (early.status_code, early.json()) == (late.status_code, late.json())
                assert early.content == late.content
                again = await http.post("/graphql", json=shape)  # the gate's answer, kept from the first
                assert again.content == late.content
                assert early.headers["content-type"] == late.headers["content-type"] == "application/json"
                assert early.json()["errors"][0]["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 2}
            assert gate.refused == 2 * len(SHAPES)
            # not refused: another account from this address, a request that only mentions login(
            assert await api.login("wang@a.com", PASSWORD)
            mention = {"query": "query { __typename } # not login(ana@a.com)"}
            assert (await http.post("/graphql", json=mention)).json() == {"data": {"__typename": "Query"}}
            await asyncio.sleep(2.05)
            assert await api.login("ana@a.com", PASSWORD)
            # the success cleared the account: three more wrong guesses are checked, then the gate refuses
            assert [await _guess(api, "ana@a.com") for _ in range(3)] == [["UNAUTHENTICATED"]] * 3
            assert await _guess(api, "ana@a.com") == ["RATE_LIMITED"]
            assert gate.refused == 2 * len(SHAPES) + 1


async def test_an_address_out_of_attempts_is_refused_at_the_gate_and_not_another(
    settings: Settings, app_db: Database
) -> None:
    await make_person(app_db, "wang@a.com", name="王芳")
    async with _app(settings, FAST) as (app, gate), _client(app) as http, _client(app, "10.1.2.3") as other:
        api = GraphQL(http)
        assert [await _guess(api, f"nobody{n}@a.com") for n in range(6)] == [["UNAUTHENTICATED"]] * 6
        for email in ("wang@a.com", "nobody0@a.com", "never-seen@a.com"):  # the same answer, known or not
            refused = await api.error(LOGIN, {"e": email, "p": PASSWORD})
            assert refused.errors[0]["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 1}
        assert gate.refused == 3
        assert await GraphQL(other).login("wang@a.com", PASSWORD)
        assert gate.refused == 3


@pytest.mark.redis
async def test_servers_sharing_redis_share_the_count(serve: Serve, app_db: Database) -> None:
    require_redis()
    await make_person(app_db, "ana@a.com")
    shared = {
        **FAST,
        "WARROOM_LOGIN_BACKOFF_SECONDS": "60",
        "WARROOM_REDIS_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
    }
    options = {"redis_url": REDIS_URL, "redis_prefix": shared["WARROOM_REDIS_PREFIX"], "jobs": "inprocess"}
    async with serve(shared, **options) as first, serve(shared, **options) as second:
        assert await _guess(first, "ana@a.com") == ["UNAUTHENTICATED"]
        assert await _guess(second, "ana@a.com") == ["UNAUTHENTICATED"]
        assert await _guess(first, "ana@a.com") == ["UNAUTHENTICATED"]
        refused = await second.error(LOGIN, {"e": "ana@a.com", "p": PASSWORD})
        assert refused.codes == ["RATE_LIMITED"]
        assert 59 <= refused.errors[0]["extensions"]["retryAfter"] <= 60


@pytest.mark.redis
async def test_a_gate_refuses_what_another_server_locked(settings: Settings, app_db: Database) -> None:
    require_redis()
    await make_person(app_db, "ana@a.com")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    shared = dataclasses.replace(settings, redis_url=REDIS_URL, redis_prefix=prefix, jobs="inprocess")
    env = {**FAST, "WARROOM_LOGIN_BACKOFF_SECONDS": "60"}
    async with (
        _app(shared, env) as (first, _),
        _app(shared, env) as (second, gate),
        _client(first) as http,
        _client(second) as other,
        _client(second, "10.1.2.3") as elsewhere,
    ):
        assert [await _guess(GraphQL(http), "ana@a.com") for _ in range(3)] == [["UNAUTHENTICATED"]] * 3
        refused = await GraphQL(other).error(LOGIN, {"e": "ana@a.com", "p": PASSWORD})
        assert 59 <= refused.errors[0]["extensions"]["retryAfter"] <= 60
        assert gate.refused == 1
        # the account is locked from every address; an address of its own is not
        assert await _guess(GraphQL(elsewhere), "ana@a.com") == ["RATE_LIMITED"]
        assert await _guess(GraphQL(elsewhere), "bob@a.com") == ["UNAUTHENTICATED"]
        assert gate.refused == 2
