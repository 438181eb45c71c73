"""Fresh databases for tests, built by the Alembic migrations (through a template, so it stays fast)."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
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


# What a test may change in a database without it being reusable: the schema (columns, relations, their
# indexes and constraints), the migrations' version, and planner statistics (a fresh database has none).
SHAPE = """
SELECT md5(coalesce((
    SELECT string_agg(format('%s:%s:%s:%s', c.relname, c.relkind, a.attname, a.atttypid), ','
                      ORDER BY c.relname, a.attnum)
    FROM pg_class c LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relnamespace = 'public'::regnamespace), '')
    || (SELECT count(*) FROM pg_constraint WHERE connamespace = 'public'::regnamespace)::text
    || (SELECT count(*) FROM pg_namespace)::text
    || (SELECT count(*) FROM pg_extension)::text
    || (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace)::text
    || coalesce((SELECT string_agg(version_num, ',') FROM alembic_version), ''))
"""
ANALYZED = """
SELECT EXISTS (SELECT 1 FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid
               WHERE c.relnamespace = 'public'::regnamespace)
"""
# Tables a test wrote to: a fresh table has no pages; alembic_version is the migrations' own row.
WRITTEN = """
SELECT format('%I', relname) FROM pg_class
WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname <> 'alembic_version'
  AND pg_relation_size(oid) > 0
"""
USED_SEQUENCES = "SELECT format('%I', sequencename) FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL"


class PostgresDatabases:
    """Hands out `wr_test_<random>` databases made from one migrated template per test session.

    A released database is reused when it can be made exactly what the template would give: its written
    tables are truncated (new, empty files, so rows come back in the order a fresh table gives), its
    sequences restarted, and it is renamed, so nothing keyed by a database URL (caches, Redis prefixes)
    carries over. A database whose schema, migration version or planner statistics changed is dropped.
    Creating a database from the template costs PostgreSQL 0.3 to 1 s of CPU and 10 MB of WAL; the reset runs
    on a thread of its own while the next test runs. The sessions a test left open are ended in the test's
    own loop first, so a forgotten connection learns of its end where its loop can see it.
    """

    def __init__(self) -> None:
        self.template = f"wr_tpl_{uuid.uuid4().hex[:10]}"
        # Names handed out; one a reset dropped is dropped again at the end, harmlessly (IF EXISTS).
        self.created: set[str] = set()
        self.resets: list[Future[str | None]] = []
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-db-reset")
        self.shape = ""

    def build_template(self) -> None:
        off_loop(lambda: asyncio.run(admin(f'CREATE DATABASE "{self.template}"')))
        off_loop(lambda: migrate.upgrade(pg_url(self.template)))

        async def _shape() -> None:
            conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database=self.template)
            try:
                self.shape = await conn.fetchval(SHAPE)
            finally:
                await conn.close()

        off_loop(lambda: asyncio.run(_shape()))

    async def create(self) -> str:
        name = f"wr_test_{uuid.uuid4().hex[:12]}"
        reused = await self._reset_one()
        if reused is not None:
            await admin(f'ALTER DATABASE "{reused}" RENAME TO "{name}"')
            self.created.discard(reused)
        else:
            await admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            # Tests need no durability across a crash of PostgreSQL itself: a commit does not wait for its
            # WAL to reach the disk (what a commit makes visible, and when, stays the same).
            await admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        self.created.add(name)
        return pg_url(name)

    async def drop(self, url: str) -> None:
        """Release a test's database: it is reset for a later test, or dropped."""
        name = url.rsplit("/", 1)[-1]
        await _end_sessions(name)
        self.resets.append(self.worker.submit(lambda: asyncio.run(self._reset(name))))

    async def _reset_one(self) -> str | None:
        while self.resets:
            reset = await asyncio.wrap_future(self.resets.pop(0))
            if reset is not None:
                return reset
        return None

    async def _reset(self, name: str) -> str | None:
        """`name` made again what the template gives, or dropped (None)."""
        conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database=name)
        try:
            reusable = await conn.fetchval(SHAPE) == self.shape and not await conn.fetchval(ANALYZED)
            if reusable:
                written = [row[0] for row in await conn.fetch(WRITTEN)]
                sequences = [row[0] for row in await conn.fetch(USED_SEQUENCES)]
                async with conn.transaction():
                    if written:
                        await conn.execute(f"TRUNCATE {', '.join(written)} CASCADE")
                    for sequence in sequences:
                        await conn.execute(f"ALTER SEQUENCE {sequence} RESTART")
        finally:
            await conn.close()
        if not reusable:
            await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return None
        await _end_sessions(name)
        return name

    def drop_template(self) -> None:
        """Drop every database of the session, then raise what a reset raised, if one did."""
        self.worker.shutdown(wait=True)

        async def _drop_all() -> None:
            for name in [*self.created, self.template]:
                await admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        off_loop(lambda: asyncio.run(_drop_all()))
        for reset in self.resets:
            reset.result()


async def _end_sessions(name: str) -> None:
    """End every session still connected to `name` (a test's leftovers) and wait until they are gone."""
    conn = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, database="postgres")
    try:
        others = "FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()"
        await conn.execute(f"SELECT pg_terminate_backend(pid) {others}", name)
        for _ in range(500):
            if not await conn.fetchval(f"SELECT count(*) {others}", name):
                return
            await asyncio.sleep(0.01)
        raise RuntimeError(f"sessions on {name} did not end")
    finally:
        await conn.close()


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
