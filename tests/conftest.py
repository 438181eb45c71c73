"""Shared fixtures: fresh migrated databases (SQLite and PostgreSQL), settings, services."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from xdist.scheduler import LoadScopeScheduling

from server.infra.config import Settings
from server.infra.db import Database, create_engine
from tests.support import outbox
from tests.support.databases import PostgresDatabases, SqliteDatabases
from tests.support.services import require_postgres

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last: Playwright's sync API keeps an event loop running in the main thread
    while it runs, which async tests could not run beside (under pytest-xdist see `BrowserTestsTogether`).
    """
    items.sort(key=lambda item: _in_browser(item.nodeid))


def _in_browser(nodeid: str) -> bool:
    return nodeid.replace("\\", "/").startswith("tests/browser/")


class BrowserTestsTogether(LoadScopeScheduling):  # type: ignore[misc]
    """pytest-xdist's scheduling for `make test`: the browser tests go, in their order, to the first worker
    as one unit, beside the other worker's tests; every other test is a unit of its own, sent to whichever
    worker is free. So the browser tests share one server and one Chromium, as in a single process, and
    the worker that ran them runs its other tests after Playwright's package has ended.
    """

    def _split_scope(self, nodeid: str) -> str:
        return "browser" if _in_browser(nodeid) else nodeid


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> BrowserTestsTogether | None:
    """Ours for `-n` alone (xdist's "load"); a `--dist` asked for by name keeps xdist's own."""
    return BrowserTestsTogether(config, log) if config.getoption("dist") == "load" else None


@pytest.fixture(scope="session")
def sqlite_databases(tmp_path_factory: pytest.TempPathFactory) -> SqliteDatabases:
    databases = SqliteDatabases(tmp_path_factory.mktemp("sqlite"))
    databases.build_template()
    return databases


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    require_postgres()
    databases = PostgresDatabases()
    databases.build_template()
    yield databases
    databases.drop_template()


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A fresh, migrated database: each test using it runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_databases").create()
        return
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    url = await databases.create()
    yield url
    await databases.drop(url)


@pytest.fixture
async def sqlite_url(sqlite_databases: SqliteDatabases) -> str:
    """A fresh migrated SQLite database, for tests whose subject does not depend on the backend."""
    return sqlite_databases.create()


@pytest.fixture
async def postgres_url(postgres_databases: PostgresDatabases) -> AsyncIterator[str]:
    url = await postgres_databases.create()
    yield url
    await postgres_databases.drop(url)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(create_engine(database_url))
    yield database
    await outbox.close_all()
    await database.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings.from_env(
        {
            "WARROOM_DATA_DIR": str(tmp_path),
            "WARROOM_DATABASE_URL": database_url,
            "WARROOM_ROOM_IDLE_SECONDS": "0.2",
            "WARROOM_JOBS": "inprocess",
        }
    )
