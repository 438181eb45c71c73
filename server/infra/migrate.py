"""Running the Alembic migrations from code (CLI, tests)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from server.infra.db import create_engine

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@dataclass(frozen=True)
class Upgrade:
    """What `upgrade` did: the revision before (None: the database had no schema) and after."""

    before: str | None
    after: str | None

    def __str__(self) -> str:
        if self.before is None:
            return f"Database created at revision {self.after}."
        if self.before == self.after:
            return f"Database schema is up to date (revision {self.after})."
        return f"Database upgraded from revision {self.before} to {self.after}."


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    return config


def current(database_url: str) -> str | None:
    """The revision the database is at; None when it has no schema yet."""

    async def read() -> str | None:
        engine = create_engine(database_url, pool_size=1)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: MigrationContext.configure(sync).get_current_revision()
                )
        finally:
            await engine.dispose()

    return asyncio.run(read())


def upgrade(database_url: str, revision: str = "head") -> Upgrade:
    """Bring the database schema up to `revision`."""
    before = current(database_url)
    command.upgrade(alembic_config(database_url), revision)
    return Upgrade(before, current(database_url))


def downgrade(database_url: str, revision: str) -> None:
    """Take the database schema back to `revision` ("base" empties it)."""
    command.downgrade(alembic_config(database_url), revision)


def check(database_url: str) -> None:
    """Raise if the models hold a change that no migration makes."""
    command.check(alembic_config(database_url))
