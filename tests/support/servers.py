"""Real server processes (`python -m server serve`) on free ports, for tests that need the network."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from tests.support.tickets import ticketed_url

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """One `serve` process; its JSON log lines are kept in `log_path` for failure messages."""

    def __init__(self, process: asyncio.subprocess.Process, port: int, log_path: Path) -> None:
        self.process = process
        self.port = port
        self.log_path = log_path

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def sync_url(self, case_id: str, token: str) -> str:
        """A `/sync/{case_id}` URL for one connection: it carries a fresh ticket minted with `token`."""
        return await ticketed_url(self.http_url, self.ws_url, case_id, token)

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @classmethod
    async def start(
        cls,
        database_url: str,
        workdir: Path,
        *,
        env: Mapping[str, str] | None = None,
        port: int | None = None,
        name: str = "server",
    ) -> ServerProcess:
        port = port or free_port()
        log_path = workdir / f"{name}-{port}.log"
        full_env = {
            **os.environ,
            "WARROOM_DATABASE_URL": database_url,
            "WARROOM_DATA_DIR": str(workdir),
            "WARROOM_ROOM_IDLE_SECONDS": "0.5",
            "WARROOM_LOG_LEVEL": "info",
            # `serve` loads the embedding model at start-up; test servers that need it load it on first use.
            "WARROOM_EMBEDDING_WARMUP": "0",
            **(env or {}),
        }
        with log_path.open("ab") as log:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "server", "serve", "--port", str(port),
                cwd=ROOT, env=full_env, stdout=log, stderr=log,
            )  # fmt: skip
        server = cls(process, port, log_path)
        await server.wait_ready()
        return server

    async def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                if self.process.returncode is not None:
                    raise RuntimeError(
                        f"server exited with {self.process.returncode}:\n{self.logs()[-4000:]}"
                    )
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{self.http_url}/readyz", timeout=1)).status_code == 200:
                        return
                await asyncio.sleep(0.1)
        raise RuntimeError(f"server not ready after {timeout}s:\n{self.logs()[-4000:]}")

    async def stop(self) -> None:
        """Graceful stop (SIGTERM), as an operator would."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()

    async def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush — a crash."""
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
