"""HTTP surface of the app: health, readiness, metrics, body limit, frontend serving."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from server.app import create_app
from server.infra.config import Settings


@pytest.fixture
async def client(tmp_path: Path, sqlite_url: str) -> AsyncIterator[httpx.AsyncClient]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>app</title>")
    (dist / "assets" / "app-123.js").write_text("console.log(1)")
    settings = Settings.from_env(
        {"WARROOM_DATABASE_URL": sqlite_url, "WARROOM_FRONTEND_DIR": str(dist), "WARROOM_JOBS": "inprocess"}
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as http,
    ):
        yield http


async def test_health_readiness_and_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {"status": "ready"}
    metrics = (await client.get("/metrics")).text
    assert "warroom_rooms_open 0" in metrics
    assert "warroom_event_subscriptions 0" in metrics
    assert "warroom_doc_update_backlog 0" in metrics


async def test_readyz_reports_an_unreachable_database(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"WARROOM_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none", "WARROOM_JOBS": "inprocess"}
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as http,
    ):
        response = await http.get("/readyz")
        assert response.status_code == 503
        # the driver's error (host, port, user) goes to the log only
        assert response.json() == {"status": "unavailable", "code": "DATABASE_UNAVAILABLE"}
        assert (await http.get("/healthz")).status_code == 200


async def _metrics_status(settings: Settings, client: tuple[str, int], headers: dict[str, str]) -> int:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, client=client)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as http,
    ):
        return (await http.get("/metrics", headers=headers)).status_code


async def test_metrics_are_for_this_host_or_the_token_holder(sqlite_url: str) -> None:
    env = {"WARROOM_DATABASE_URL": sqlite_url, "WARROOM_JOBS": "inprocess"}
    open_ = Settings.from_env(env)
    assert await _metrics_status(open_, ("127.0.0.1", 1), {}) == 200
    assert await _metrics_status(open_, ("::1", 1), {}) == 200
    assert await _metrics_status(open_, ("10.0.0.5", 1), {}) == 403
    guarded = Settings.from_env({**env, "WARROOM_METRICS_TOKEN": "token-1"})
    bearer = {"authorization": "Bearer token-1"}
    assert await _metrics_status(guarded, ("10.0.0.5", 1), bearer) == 200
    assert await _metrics_status(guarded, ("10.0.0.5", 1), {"authorization": "Bearer token-2"}) == 401
    assert await _metrics_status(guarded, ("127.0.0.1", 1), {}) == 401


async def test_bodies_over_one_mebibyte_get_413(client: httpx.AsyncClient) -> None:
    big = '{"query": "{ me { id } }", "pad": "' + "x" * (1024 * 1024) + '"}'
    response = await client.post("/graphql", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_frontend_assets_are_cached_and_routes_fall_back_to_index(client: httpx.AsyncClient) -> None:
    asset = await client.get("/assets/app-123.js")
    assert asset.status_code == 200
    assert "immutable" in asset.headers["cache-control"]
    for path in ("/", "/cases/abc", "/wallet"):
        page = await client.get(path)
        assert page.status_code == 200
        assert "<title>app</title>" in page.text
        assert page.headers["cache-control"] == "no-cache"
    assert (await client.get("/assets/missing.js")).status_code == 404
    assert (await client.get("/../../etc/passwd")).status_code in (200, 404)
    assert "root:" not in (await client.get("/..%2f..%2fetc/passwd")).text


async def test_a_sign_in_over_one_mebibyte_gets_413_too(client: httpx.AsyncClient) -> None:
    big = (
        '{"query": "mutation { login(email: \\"a@b.c\\", password: \\"'
        + "x" * (1024 * 1024)
        + '\\") { token } }"}'
    )
    response = await client.post("/graphql", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
