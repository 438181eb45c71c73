"""`login` over HTTP: one per request, RATE_LIMITED with retryAfter, shared by servers through Redis."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest

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
    "WARROOM_LOGIN_BACKOFF_SECONDS": "0.3",
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
        await asyncio.sleep(0.35)
        assert await _guess(api, "ana@a.com") == ["UNAUTHENTICATED"]  # the wait doubles now: 0.6 s
        assert await _guess(api, "ana@a.com", PASSWORD) == ["RATE_LIMITED"]
        await asyncio.sleep(0.65)
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
