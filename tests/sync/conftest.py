from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.live import Live, live_server


@pytest.fixture
async def live(database_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    """A real server process on a free port, on SQLite and on PostgreSQL."""
    async with live_server(database_url, tmp_path) as running:
        yield running


@pytest.fixture
async def live_sqlite(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    """A real server process on SQLite, for behaviour that does not depend on the database."""
    async with live_server(sqlite_url, tmp_path) as running:
        yield running
