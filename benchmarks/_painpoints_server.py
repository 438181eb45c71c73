"""What benchmarks/painpoints.py runs against: a scratch database (SQLite or PostgreSQL), a real
`python -m server serve` process, and a small GraphQL client."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from server.infra import migrate

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-1"
PG_ADMIN = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "database": "postgres"}


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
            await pg(f'CREATE DATABASE "{self.name}"')
        await asyncio.to_thread(migrate.upgrade, self.url)
        return self.url

    async def __aexit__(self, *_exc: object) -> None:
        if self.kind == "postgres":
            await pg(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


async def pg(sql: str) -> None:
    conn = await asyncpg.connect(**PG_ADMIN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


class Server:
    """`python -m server serve` on a free port."""

    def __init__(self, url: str, workdir: Path) -> None:
        self.url = url
        self.workdir = workdir
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process: asyncio.subprocess.Process | None = None
        self.log = workdir / f"server-{self.port}.log"

    async def __aenter__(self) -> str:
        env = {
            **os.environ,
            "WARROOM_DATABASE_URL": self.url,
            "WARROOM_DATA_DIR": str(self.workdir),
            "WARROOM_LOG_LEVEL": "warning",
            "WARROOM_JOBS": "inprocess",
            # The first submission's model load is one of the figures measured.
            "WARROOM_EMBEDDING_WARMUP": "0",
        }
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "server",
                "serve",
                "--port",
                str(self.port),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
        base = f"http://127.0.0.1:{self.port}"
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                try:
                    if (await client.get(f"{base}/readyz", timeout=1)).status_code == 200:
                        return base
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{self.log.read_text()[-3000:]}")

    async def __aexit__(self, *_exc: object) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await self.process.wait()


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
