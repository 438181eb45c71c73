"""SecurityHeaders: the policy and headers on every HTTP response; HSTS only over TLS."""

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from server.app import create_app
from server.infra.config import Settings
from server.infra.middleware import SecurityHeaders


async def _hello(_request: Request) -> Response:
    return PlainTextResponse("你好", headers={"Referrer-Policy": "same-origin"})


def _client(base_url: str, **options: tuple[str, ...]) -> httpx.AsyncClient:
    app = SecurityHeaders(Starlette(routes=[Route("/", _hello), Route("/graphql", _hello)]), **options)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)


async def test_every_response_gets_the_headers_and_plain_http_no_hsts() -> None:
    async with _client("http://warroom.example:8000") as client:
        response = await client.get("/")
        missing = await client.get("/nowhere")
    for answer in (response, missing):
        policy = answer.headers["content-security-policy"]
        assert "script-src 'self';" in policy
        assert "style-src 'self';" in policy
        assert "img-src 'self' data:;" in policy
        assert "connect-src 'self' ws://warroom.example:8000;" in policy
        assert policy.endswith("frame-ancestors 'none'")
        assert "unsafe-inline" not in policy
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in answer.headers
    assert missing.headers["referrer-policy"] == "no-referrer"
    # A response that chose its own value keeps it.
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.text == "你好"


async def test_over_tls_hsts_and_wss() -> None:
    async with _client("https://warroom.example") as client:
        response = await client.get("/")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert "connect-src 'self' wss://warroom.example;" in response.headers["content-security-policy"]


async def test_a_forwarded_proto_header_alone_does_not_turn_on_hsts() -> None:
    """Only uvicorn's trusted-proxy handling (serve --proxy-headers) may make the scheme https."""
    async with _client("http://warroom.example") as client:
        response = await client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in response.headers


@pytest.mark.parametrize("host", ["evil.example; script-src *", "a b", "x'y"])
async def test_a_strange_host_never_reaches_the_policy(host: str) -> None:
    async with _client("http://warroom.example") as client:
        response = await client.get("/", headers={"Host": host})
    policy = response.headers["content-security-policy"]
    assert "connect-src 'self';" in policy
    assert host not in policy


async def test_exempt_paths_go_without_the_policy_but_keep_the_rest() -> None:
    async with _client("http://warroom.example", csp_exempt=("/graphql",)) as client:
        response = await client.get("/graphql")
    assert "content-security-policy" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.fixture
async def served(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client,
    ):
        yield client


async def test_the_app_sends_them_on_graphql_health_and_refusals(served: httpx.AsyncClient) -> None:
    answers = [
        await served.get("/healthz"),
        await served.post("/graphql", json={"query": "{ __typename }"}),
        await served.post(
            "/graphql", content=b"x" * (2 * 1024 * 1024), headers={"content-type": "application/json"}
        ),
    ]
    assert [a.status_code for a in answers] == [200, 200, 413]
    for answer in answers:
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["referrer-policy"] == "no-referrer"
