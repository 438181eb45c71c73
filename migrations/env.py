"""Alembic environment: runs migrations on the configured database (SQLite or PostgreSQL)."""

from __future__ import annotations

import asyncio
from typing import Literal

from alembic import context
from sqlalchemy.engine import Connection

import server.models
from server.infra.config import Settings
from server.infra.db import create_engine
from server.models.base import UTCDateTime

target_metadata = server.models.Base.metadata


def _url() -> str:
    # A caller (tests, `python -m server migrate`) may pass the URL; otherwise WARROOM_DATABASE_URL.
    url = context.config.attributes.get("database_url")
    return str(url) if url else Settings.from_env().database_url


def _render_item(type_: str, obj: object, autogen_context: object) -> str | Literal[False]:
    # UTCDateTime is a Python-side conversion over a plain timezone-aware column.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# Tables a migration makes outside the models: SQLite's full-text index of the knowledge assets (0024) and
# the shadow tables FTS5 keeps beside it.
_UNMODELLED = ("knowledge_assets_fts",)
# Indexes likewise: PostgreSQL's trigram index of the knowledge assets (0025; absent where pg_trgm could not
# be created).
_UNMODELLED_INDEXES = ("ix_knowledge_assets_search_trgm",)


def _include_name(name: str | None, type_: str, parents: object) -> bool:
    if type_ == "table" and name is not None:
        return not any(name == prefix or name.startswith(f"{prefix}_") for prefix in _UNMODELLED)
    if type_ == "index":
        return name not in _UNMODELLED_INDEXES
    return True


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(_url(), pool_size=1)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    asyncio.run(_run_async())


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    _run_online()
