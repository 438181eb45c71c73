"""The app in-process: real lifespan, real database, requests through httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from server.app import create_app
from server.infra.config import Settings
from server.infra.db import Database
from tests.support.graphql import GraphQL
from tests.support.live import Live, live_server


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[GraphQL]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield GraphQL(client)


@pytest.fixture
async def app_db(settings: Settings) -> AsyncIterator[Database]:
    database = Database.from_settings(settings)
    yield database
    await database.dispose()


@pytest.fixture
async def live(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    """A real server process on SQLite (modules that need other settings define their own)."""
    async with live_server(sqlite_url, tmp_path) as running:
        yield running
