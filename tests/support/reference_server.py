"""The reference y-websocket server (npm `@y/websocket-server`, in memory, no auth) on a free port."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
from types import TracebackType
from typing import Self

from tests.support.js_packages import ensure_installed

_SERVER_JS = "node_modules/@y/websocket-server/src/server.js"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ReferenceServer:
    """What our `/sync` endpoint is compared with: y-websocket's own server; rooms are URL paths."""

    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        self.process = process
        self.port = port
        self.url = f"ws://127.0.0.1:{port}"
        self._drain: asyncio.Task[bytes] | None = None

    @classmethod
    async def start(cls, timeout: float = 15.0) -> Self:
        """Start the server and wait until it listens."""
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not on PATH: install Node 20+")
        js_dir = await asyncio.to_thread(ensure_installed)
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            node,
            _SERVER_JS,
            cwd=js_dir,
            env={**os.environ, "HOST": "127.0.0.1", "PORT": str(port)},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        server = cls(process, port)
        assert process.stdout is not None
        try:
            # It prints "running at '127.0.0.1' on port P" once listening.
            line = await asyncio.wait_for(process.stdout.readline(), timeout)
            if b"running at" not in line:
                raise RuntimeError(f"reference server did not start: {line!r}")
            # Keep reading what it prints so that a full pipe never blocks it.
            server._drain = asyncio.create_task(process.stdout.read())
        except BaseException:
            await server.stop()
            raise
        return server

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def stop(self) -> None:
        """Terminate the server process."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 5)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._drain is not None:
            await self._drain
