"""Shared fixtures: fresh migrated databases (SQLite and PostgreSQL), settings, services."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from server.infra.config import Settings
from server.infra.db import Database, create_engine
from tests.support import outbox
from tests.support.databases import PostgresDatabases, SqliteDatabases
from tests.support.services import require_postgres

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last: Playwright's sync API keeps an event loop running in the main thread
    once started, which async tests collected after it could not run beside. Under pytest-xdist each
    worker is sent tests in this order, so each runs its share of the browser tests after all its others.
    """
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))


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
