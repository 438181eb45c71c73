"""`python -m server serve` for a benchmark: on a free port, its output in a log, ready when /readyz is."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
READY_SECONDS = 60.0
STOP_SECONDS = 15.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start(
    env: Mapping[str, str], log: Path, root: Path = ROOT
) -> tuple[asyncio.subprocess.Process, str]:
    """The server of checkout `root` started with `env` (its whole environment), and its base URL once
    /readyz answers 200.

    Its output goes to the end of `log`. If it exits or is not ready within READY_SECONDS, it is
    stopped and the error quotes the end of the log.
    """
    port = free_port()
    with log.open("ab") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "server", "serve", "--host", "127.0.0.1", "--port", str(port),
            cwd=root, env=dict(env), stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_SECONDS
    async with httpx.AsyncClient() as client:
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{base}/readyz", timeout=1)).status_code == 200:
                    return process, base
            if process.returncode is not None or time.monotonic() > deadline:
                await stop(process)
                tail = (await asyncio.to_thread(log.read_text, errors="replace"))[-3000:]
                raise RuntimeError(f"the server did not start; the end of {log}:\n{tail}")
            await asyncio.sleep(0.1)


async def stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM, then SIGKILL if it has not exited within STOP_SECONDS."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), STOP_SECONDS)
        except TimeoutError:
            process.kill()
            await process.wait()


@contextlib.asynccontextmanager
async def served(env: Mapping[str, str], log: Path) -> AsyncIterator[str]:
    """`start`, yield the base URL, `stop`."""
    process, base = await start(env, log)
    try:
        yield base
    finally:
        await stop(process)
