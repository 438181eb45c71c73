"""What benchmarks/painpoints.py runs against: a scratch database (SQLite or PostgreSQL), a real
`python -m server serve` process, and a small GraphQL client."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from pathlib import Path
from typing import Any

import httpx
from _postgres import admin
from _served import served

from server.infra import migrate

PASSWORD = "bench-password-1"


class Scratch:
    """A fresh migrated database of one kind, dropped afterwards."""

    def __init__(self, kind: str, workdir: Path) -> None:
        self.kind = kind
        self.name = f"wr_bench_{uuid.uuid4().hex[:8]}"
        self.url = (
            f"sqlite+aiosqlite:///{workdir / (self.name + '.db')}"
            if kind == "sqlite"
            else f"postgresql+asyncpg://postgres@127.0.0.1:5432/{self.name}"
        )

    async def __aenter__(self) -> str:
        if self.kind == "postgres":
            await admin(f'CREATE DATABASE "{self.name}"')
        await asyncio.to_thread(migrate.upgrade, self.url)
        return self.url

    async def __aexit__(self, *_exc: object) -> None:
        if self.kind == "postgres":
            await admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def server(url: str, workdir: Path) -> contextlib.AbstractAsyncContextManager[str]:
    """`python -m server serve` on `url`, jobs in process; its base URL while the block runs."""
    env = {
        **os.environ,
        "WARROOM_DATABASE_URL": url,
        "WARROOM_DATA_DIR": str(workdir),
        "WARROOM_LOG_LEVEL": "warning",
        "WARROOM_JOBS": "inprocess",
        # The first submission's model load is one of the figures measured.
        "WARROOM_EMBEDDING_WARMUP": "0",
    }
    return served(env, workdir / f"server-{uuid.uuid4().hex[:8]}.log")


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> Any:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        body = (
            await self.client.post(
                "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
            )
        ).json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        return body["data"]

    async def login(self, email: str) -> str:
        query = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
        token: str = (await self.data(query, {"e": email, "p": PASSWORD}))["login"]["token"]
        return token
