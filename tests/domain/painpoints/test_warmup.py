"""Loading the embedding model in the background at start-up (WARROOM_EMBEDDING_WARMUP)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from server.app import create_app
from server.clustering import shared_embedder
from server.domain.painpoints.config import PainPointConfig
from server.domain.painpoints.quality import _load_segmenter
from server.domain.painpoints.warmup import Warmup, enabled
from server.infra.config import ConfigError, Settings


def test_warmup_is_off_unless_asked_and_refuses_what_it_cannot_read() -> None:
    assert not enabled(Settings.from_env({}))
    assert enabled(Settings.from_env({"WARROOM_EMBEDDING_WARMUP": "1"}))
    assert enabled(Settings.from_env({"WARROOM_EMBEDDING_WARMUP": "on"}))
    assert not enabled(Settings.from_env({"WARROOM_EMBEDDING_WARMUP": "0"}))
    with pytest.raises(ConfigError, match="WARROOM_EMBEDDING_WARMUP must be 1 or 0"):
        enabled(Settings.from_env({"WARROOM_EMBEDDING_WARMUP": "soon"}))


@asynccontextmanager
async def _serving(settings: Settings) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as http,
    ):
        yield app, http


def _warmup(app: Starlette) -> Warmup:
    warmup = app.state.runtime.warmup
    assert isinstance(warmup, Warmup)
    return warmup


async def test_apps_built_in_process_do_not_load_the_model(sqlite_url: str) -> None:
    settings = Settings.from_env({"WARROOM_DATABASE_URL": sqlite_url, "WARROOM_JOBS": "inprocess"})
    async with _serving(settings) as (app, http):
        assert (await http.get("/healthz")).status_code == 200
        assert app.state.runtime.warmup is None


async def test_a_model_that_cannot_load_leaves_the_server_serving(sqlite_url: str, tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "WARROOM_DATABASE_URL": sqlite_url,
            "WARROOM_JOBS": "inprocess",
            "WARROOM_EMBEDDING_WARMUP": "1",
            "WARROOM_EMBEDDING_MODEL": str(tmp_path / "no-such-model"),
        }
    )
    async with _serving(settings) as (app, http):
        assert (await http.get("/healthz")).status_code == 200
        warmup = _warmup(app)
        assert await asyncio.to_thread(warmup.wait, 60)
        assert warmup.error is not None
        assert (await http.get("/readyz")).json() == {"status": "ready"}


@pytest.mark.model  # loads the configured sentence-embedding model
async def test_the_server_answers_while_the_configured_model_loads(sqlite_url: str) -> None:
    settings = Settings.from_env(
        {"WARROOM_DATABASE_URL": sqlite_url, "WARROOM_JOBS": "inprocess", "WARROOM_EMBEDDING_WARMUP": "1"}
    )
    _load_segmenter.cache_clear()  # as in a new process: the warm-up must load it
    async with _serving(settings) as (app, http):
        assert (await http.get("/healthz")).status_code == 200
        warmup = _warmup(app)
        assert await asyncio.to_thread(warmup.wait, 90)
        assert warmup.error is None
        assert shared_embedder(PainPointConfig.from_settings(settings).model).loaded
        assert _load_segmenter.cache_info().currsize == 1  # the gate's Chinese dictionary too
