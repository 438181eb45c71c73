"""The local PostgreSQL's admin database, for benchmarks that make and drop scratch databases."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from server.infra import migrate

ADMIN = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": "postgres"}
PG = "postgresql+asyncpg://postgres@127.0.0.1:5432"


async def admin(sql: str) -> None:
    """Run one statement (CREATE DATABASE, DROP DATABASE ...) on the admin database."""
    conn = await asyncpg.connect(**ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def scratch(prefix: str) -> AsyncIterator[str]:
    """The URL of a new, migrated database named `prefix_<random>`, dropped on the way out."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    await admin(f'CREATE DATABASE "{name}"')
    try:
        url = f"{PG}/{name}"
        await asyncio.to_thread(migrate.upgrade, url)
        yield url
    finally:
        await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
