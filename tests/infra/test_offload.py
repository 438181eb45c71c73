"""CPU work in child processes (server.infra.offload): results, errors, a killed child, a killed server."""

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from server.infra import offload
from server.yjs.states import merged_state
from tests.support.servers import ServerProcess


async def test_work_runs_in_another_process_and_returns_its_result() -> None:
    assert await offload.run(os.getpid) != os.getpid()
    assert await offload.run(merged_state, []) == merged_state([])


async def test_an_error_in_the_child_reaches_the_caller_as_itself() -> None:
    with pytest.raises(ValueError, match="invalid literal"):
        await offload.run(int, "not a number")


async def test_a_killed_child_is_replaced() -> None:
    child = await offload.run(os.getpid)
    os.kill(child, signal.SIGKILL)
    # The pool is broken once it notices; the next call starts new children and runs there.
    replacement = await offload.run(os.getpid)
    assert replacement not in (child, os.getpid())


async def test_start_replaces_children_that_died_since() -> None:
    """A server starting after a child died (another app in the same process, as tests do) gets new ones."""
    child = await offload.run(os.getpid)
    os.kill(child, signal.SIGKILL)
    while _state(child) not in ("Z", "X"):  # until it is gone
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)  # the pool's manager thread marks the pool broken
    offload.start(("server.yjs.states",))
    assert await offload.run(os.getpid) not in (child, os.getpid())


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "X"


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pids: set[int]) -> bool:
    return any(Path(f"/proc/{pid}").exists() for pid in pids)


async def test_children_leave_with_a_server_that_was_killed(sqlite_url: str, tmp_path: Path) -> None:
    server = await ServerProcess.start(sqlite_url, tmp_path)
    deadline = time.monotonic() + 20
    while len(_children(server.process.pid)) < offload.WORKERS and time.monotonic() < deadline:
        await asyncio.sleep(0.1)  # the server starts them at startup, in the background
    children = _children(server.process.pid)
    assert len(children) >= offload.WORKERS, "the server started no child processes"

    await server.kill()
    deadline = time.monotonic() + 10
    while _alive(children) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert not _alive(children), "orphaned child processes"
