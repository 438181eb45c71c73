"""Fresh databases for tests, built by the Alembic migrations (through a template, so it stays fast)."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg

from server.infra import migrate
from tests.support.services import PG_HOST, PG_PORT, PG_USER, pg_url


def off_loop(function: Callable[[], object]) -> None:
    """Run `function` in its own thread: migrations call asyncio.run, which a running loop forbids."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(function).result()


async def admin(sql: str) -> None:
    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


class PostgresDatabases:
    """Creates `wr_test_<random>` databases from one migrated template per test session."""

    def __init__(self) -> None:
        self.template = f"wr_tpl_{uuid.uuid4().hex[:10]}"
        self.created: list[str] = []

    def build_template(self) -> None:
        off_loop(lambda: asyncio.run(admin(f'CREATE DATABASE "{self.template}"')))
        off_loop(lambda: migrate.upgrade(pg_url(self.template)))

    async def create(self) -> str:
        name = f"wr_test_{uuid.uuid4().hex[:12]}"
        await admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.created.append(name)
        return pg_url(name)

    async def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[-1]
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_template(self) -> None:
        async def _drop_all() -> None:
            for name in [*self.created, self.template]:
                await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        off_loop(lambda: asyncio.run(_drop_all()))


class SqliteDatabases:
    """Copies one migrated SQLite file per test."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = root / "template.db"

    def build_template(self) -> None:
        off_loop(lambda: migrate.upgrade(f"sqlite+aiosqlite:///{self.template}"))

    def create(self) -> str:
        path = self.root / f"{uuid.uuid4().hex[:12]}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite+aiosqlite:///{path}"
