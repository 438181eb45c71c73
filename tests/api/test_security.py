"""The hardened GraphQL surface, each limit met by a hostile request (OWASP GraphQL Cheat Sheet).

The WebSocket side (close codes 4401/4406/4408/4429, the subscription cap) is tested in test_ws.py.
"""

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from server.api.limits import Limits
from server.app import create_app
from server.infra.config import ConfigError, Settings
from tests.support.people import make_person


def _client(settings: Settings) -> "_App":
    return _App(settings)


class _App:
    """The app in-process with its lifespan, as an httpx client."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)

    async def __aenter__(self) -> httpx.AsyncClient:
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()
        self._http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://t")
        return self._http

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()
        await self._lifespan.__aexit__(None, None, None)


def _settings(tmp_path: Path, url: str, **extra: str) -> Settings:
    env = {
        "WARROOM_DATA_DIR": str(tmp_path),
        "WARROOM_DATABASE_URL": url,
        "WARROOM_JOBS": "inprocess",
        **extra,
    }
    return Settings.from_env(env)


@pytest.fixture
async def http(tmp_path: Path, sqlite_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(_settings(tmp_path, sqlite_url)) as client:
        yield client


async def _token(http: httpx.AsyncClient, sqlite_url: str) -> str:
    from server.infra.db import Database, create_engine

    db = Database(create_engine(sqlite_url))
    person = await make_person(db, "someone@a.com")
    await db.dispose()
    query = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
    response = await http.post(
        "/graphql", json={"query": query, "variables": {"e": person.email, "p": person.password}}
    )
    token: str = response.json()["data"]["login"]["token"]
    return token


async def _errors(http: httpx.AsyncClient, query: str, **headers: str) -> list[dict[str, object]]:
    response = await http.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200
    errors: list[dict[str, object]] = response.json()["errors"]
    return errors


def _codes(errors: list[dict[str, object]]) -> set[object]:
    return {e["extensions"]["code"] for e in errors}  # type: ignore[index]


def test_default_limits_and_knobs() -> None:
    assert Limits.from_settings(None) == Limits(
        max_depth=10,
        max_aliases=30,
        max_tokens=2000,
        max_subscriptions=20,
        ws_init_timeout_seconds=10.0,
        ws_recheck_seconds=30.0,
    )
    tight = Settings.from_env({"WARROOM_GRAPHQL_MAX_TOKENS": "500", "WARROOM_GRAPHQL_MAX_SUBSCRIPTIONS": "2"})
    assert (Limits.from_settings(tight).max_tokens, Limits.from_settings(tight).max_subscriptions) == (500, 2)
    with pytest.raises(ConfigError, match="WARROOM_GRAPHQL_MAX_DEPTH must be at least 1"):
        Limits.from_settings(Settings.from_env({"WARROOM_GRAPHQL_MAX_DEPTH": "0"}))


async def test_too_many_aliases_are_refused(http: httpx.AsyncClient) -> None:
    allowed = "{ " + " ".join(f"a{i}: __typename" for i in range(30)) + " }"
    assert "errors" not in (await http.post("/graphql", json={"query": allowed})).json()
    hostile = "{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }"
    errors = await _errors(http, hostile)
    assert errors[0]["message"] == "31 aliases found. Allowed: 30"
    assert _codes(errors) == {"GRAPHQL_VALIDATION_FAILED"}


async def test_field_duplication_floods_stop_at_the_token_limit(http: httpx.AsyncClient) -> None:
    hostile = "{ " + "__typename " * 2500 + "}"
    errors = await _errors(http, hostile)
    assert "more than 2000 tokens" in str(errors[0]["message"])
    assert _codes(errors) == {"GRAPHQL_VALIDATION_FAILED"}
    directives = "{ __typename " + "@include(if: true) " * 500 + "}"
    assert "more than 2000 tokens" in str((await _errors(http, directives))[0]["message"])


async def test_depth_is_limited_and_the_limit_is_configurable(tmp_path: Path, sqlite_url: str) -> None:
    # Depth counts from 0 at the root fields: the leaf `id` below is at depth 4.
    deep = '{ case(id: "x") { snapshots { nodes { author { id } } } } }'
    async with _client(_settings(tmp_path, sqlite_url, WARROOM_GRAPHQL_MAX_DEPTH="3")) as http:
        errors = await _errors(http, deep)
        assert any("exceeds maximum operation depth of 3" in str(e["message"]) for e in errors)
        assert _codes(errors) == {"GRAPHQL_VALIDATION_FAILED"}
        shallow = (
            await http.post("/graphql", json={"query": '{ case(id: "x") { snapshots { nodes { id } } } }'})
        ).json()
        assert _codes(shallow["errors"]) == {"UNAUTHENTICATED"}, "depth 3 passes validation"


async def test_introspection_and_field_suggestions_only_in_debug(tmp_path: Path, sqlite_url: str) -> None:
    async with _client(_settings(tmp_path, sqlite_url)) as http:
        for query in ("{ __schema { types { name } } }", '{ __type(name: "User") { name } }'):
            errors = await _errors(http, query)
            assert "introspection has been disabled" in str(errors[0]["message"])
        assert (await http.post("/graphql", json={"query": "{ __typename }"})).json() == {
            "data": {"__typename": "Query"}
        }
        assert "Did you mean" not in str((await _errors(http, "{ mee { id } }"))[0]["message"])
    async with _client(_settings(tmp_path, sqlite_url, WARROOM_DEBUG="1")) as http:
        types = (await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
        assert "Snapshot" in {t["name"] for t in types["data"]["__schema"]["types"]}
        assert "Did you mean 'me'?" in str((await _errors(http, "{ mee { id } }"))[0]["message"])


async def test_unexpected_errors_are_masked_and_logged_with_the_request_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = "postgresql+asyncpg://nobody@127.0.0.1:1/none"  # nothing listens there
    async with _client(_settings(tmp_path, broken)) as http:
        with caplog.at_level(logging.ERROR, logger="warroom.graphql"):
            errors = await _errors(
                http, "{ me { id } }", authorization="Bearer abc", **{"x-request-id": "req-42"}
            )
    assert errors[0]["message"] == "Unexpected error."
    assert errors[0]["extensions"] == {"code": "INTERNAL", "requestId": "req-42"}
    assert "127.0.0.1" not in str(errors), "no internals leak to the client"
    (record,) = [r for r in caplog.records if r.name == "warroom.graphql"]
    assert record.request_id == "req-42"  # type: ignore[attr-defined]
    assert record.exc_info is not None


async def test_domain_errors_keep_their_code_and_message(http: httpx.AsyncClient, sqlite_url: str) -> None:
    errors = await _errors(http, "{ me { id } }")
    assert errors[0]["message"] == "Sign in first: the request has no valid token."
    assert _codes(errors) == {"UNAUTHENTICATED"}
    token = await _token(http, sqlite_url)
    missing = '{ snapshot(id: "01a2d3c4-0000-7000-8000-000000000000") { id } }'
    errors = await _errors(http, missing, authorization=f"Bearer {token}")
    assert (
        errors[0]["message"] == "No snapshot with id 01a2d3c4-0000-7000-8000-000000000000 is visible to you."
    )
    assert _codes(errors) == {"NOT_FOUND"}


async def test_lists_are_capped_at_one_hundred(http: httpx.AsyncClient, sqlite_url: str) -> None:
    token = await _token(http, sqlite_url)
    auth = {"authorization": f"Bearer {token}"}
    for query in (
        "{ cases(first: 101) { nodes { id } } }",
        "{ users(first: 101) { nodes { id } } }",
        "{ cases(first: 0) { nodes { id } } }",
        '{ snapshots(caseId: "x", first: 1000) { nodes { id } } }',
    ):
        errors = await _errors(http, query, **auth)
        assert _codes(errors) <= {"BAD_INPUT", "NOT_FOUND"}, query
    assert _codes(await _errors(http, "{ cases(first: 101) { nodes { id } } }", **auth)) == {"BAD_INPUT"}
    ok = (
        await http.post("/graphql", json={"query": "{ cases(first: 100) { nodes { id } } }"}, headers=auth)
    ).json()
    assert ok == {"data": {"cases": {"nodes": []}}}


async def test_transport_refusals(http: httpx.AsyncClient) -> None:
    big = '{"query": "{ __typename }", "pad": "' + "x" * (1024 * 1024) + '"}'
    response = await http.post("/graphql", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413

    async def streamed() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b" " * 65536  # no content-length: the limit counts what streams in

    response = await http.post("/graphql", content=streamed(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    response = await http.get("/graphql", params={"query": "mutation { logout }"})
    assert response.status_code == 400
    assert "mutations are not allowed when using GET" in response.text
    assert (await http.get("/graphql", params={"query": "{ __typename }"})).status_code == 200
    batch = [{"query": "{ __typename }"}, {"query": "{ __typename }"}]
    response = await http.post("/graphql", json=batch)
    assert response.status_code == 400
    assert "Batching is not enabled" in response.text
    upload = {"operations": (None, '{"query": "{ __typename }"}'), "map": (None, "{}")}
    assert (await http.post("/graphql", files=upload)).status_code == 400, "no multipart (CSRF-prone uploads)"
    plain = await http.post("/graphql", content="{ __typename }", headers={"content-type": "text/plain"})
    assert plain.status_code == 400, "simple cross-site form posts are not GraphQL requests"
