"""The two servers that benchmarks/sync_fanout.py compares, started fresh, plus what /proc says about them."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
from _served import free_port, start
from _served import stop as stop_process

ROOT = Path(__file__).resolve().parent.parent
JS_DIR = Path(__file__).resolve().parent / "js"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PASSWORD = "bench-password-1"
_LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id } } }"
_LISTEN_TIMEOUT = 60.0


@dataclass(frozen=True)
class Room:
    """One shared document as clients reach it: the room name (ours: a case id)."""

    name: str


class Server(Protocol):
    """A running sync server: where clients connect, its process, and how to get rooms on it."""

    name: str
    url: str
    pid: int

    async def rooms(self, count: int) -> list[Room]: ...
    async def params(self, room: Room, role: str, count: int) -> list[dict[str, str]]:
        """Query parameters for `count` clients of `role` in `room`, one set per client (a ticket each)."""
        ...

    async def stop(self) -> None: ...


def ensure_js_installed() -> None:
    """`npm ci` in benchmarks/js unless node_modules already matches its package-lock.json."""
    installed = JS_DIR / "node_modules" / ".package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= (JS_DIR / "package-lock.json").stat().st_mtime:
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS_DIR, check=True)


def process_tree(pid: int) -> list[int]:
    """A process and its descendants, by pid."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                # The command name (field 2) may hold spaces; the fields after its ')' do not.
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants, in seconds."""
    total = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            fields = (Path("/proc") / str(member) / "stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time all cores spent outside idle and I/O wait since boot, in seconds (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle, iowait = fields[3], fields[4]
    return (sum(fields[:8]) - idle - iowait) / _CLOCK_TICKS


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its descendants, in MiB."""
    total_kb = 0
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            for line in (Path("/proc") / str(member) / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


class ReferenceServer:
    """npm `@y/websocket-server` 0.1.1: y-websocket's own server, in memory, no auth, no persistence."""

    name = "reference"

    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        self._process = process
        self.pid = process.pid
        self.url = f"ws://127.0.0.1:{port}"

    @classmethod
    async def start(cls, log: Path) -> ReferenceServer:
        """Start it on a free port and wait until it listens."""
        port = free_port()
        with log.open("wb") as sink:
            process = await asyncio.create_subprocess_exec(
                "node",
                "node_modules/@y/websocket-server/src/server.js",
                cwd=JS_DIR,
                env={**os.environ, "HOST": "127.0.0.1", "PORT": str(port)},
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        server = cls(process, port)
        await _wait_listening(port, process, log)
        return server

    async def rooms(self, count: int) -> list[Room]:
        """Rooms are just names on this server."""
        return [Room(f"bench-{uuid.uuid4()}") for _ in range(count)]

    async def params(self, room: Room, role: str, count: int) -> list[dict[str, str]]:
        """No authentication here."""
        return [{} for _ in range(count)]

    async def stop(self) -> None:
        """Terminate the server."""
        await stop_process(self._process)


class WarroomServer:
    """Our server (`python -m server serve`) on a database of its own; rooms are cases made by GraphQL."""

    name = "ours"

    def __init__(self, process: asyncio.subprocess.Process, base: str, tokens: dict[str, str]) -> None:
        self._process = process
        self.pid = process.pid
        self.url = "ws" + base.removeprefix("http") + "/sync"
        self._graphql = f"{base}/graphql"
        self._tokens = tokens
        self._observer_id = ""

    @classmethod
    async def start(cls, database_url: str, workdir: Path, log: Path) -> WarroomServer:
        """Migrate the database, create a writer and an observer user, serve, and log both users in."""
        env = {
            **os.environ,
            "WARROOM_DATABASE_URL": database_url,
            "WARROOM_DATA_DIR": str(workdir),
            "WARROOM_EMBEDDING_WARMUP": "0",  # no model load competing with the measured fan-out
        }
        python = [sys.executable, "-m", "server"]
        await _run([*python, "migrate"], env, log)
        suffix = uuid.uuid4().hex[:8]
        emails = {role: f"{role}-{suffix}@bench.warroom" for role in ("writer", "observer")}
        for role, email in emails.items():
            create = ["users", "create", "--email", email, "--name", role.title(), "--role", "member"]
            await _run([*python, *create, "--password", _PASSWORD], env, log)
        process, base = await start(env, log)
        server = cls(process, base, {})
        try:
            for role, email in emails.items():
                login = await server._call(None, _LOGIN, {"e": email, "p": _PASSWORD})
                server._tokens[role] = login["login"]["token"]
                if role == "observer":
                    server._observer_id = login["login"]["user"]["id"]
        except BaseException:
            await server.stop()
            raise
        return server

    async def rooms(self, count: int) -> list[Room]:
        """Create `count` cases owned by the writer, with the observer as an EDITOR of each."""
        rooms = []
        for i in range(count):
            created = await self._call(
                "writer",
                "mutation($i: CreateCaseInput!) { createCase(input: $i) { id } }",
                {"i": {"title": f"Bench case {i}", "customer": "Bench Ltd"}},
            )
            case_id = created["createCase"]["id"]
            await self._call(
                "writer",
                "mutation($c: ID!, $u: ID!) { addCaseMember(caseId: $c, userId: $u, role: EDITOR) { role } }",
                {"c": case_id, "u": self._observer_id},
            )
            rooms.append(Room(case_id))
        return rooms

    async def params(self, room: Room, role: str, count: int) -> list[dict[str, str]]:
        """A single-use ticket (`syncTicket`) per client: minted just before the clients connect."""
        query = "mutation($c: ID!) { syncTicket(caseId: $c) { ticket } }"
        tickets = []
        for _ in range(count):
            minted = await self._call(role, query, {"c": room.name})
            tickets.append({"ticket": minted["syncTicket"]["ticket"]})
        return tickets

    async def _call(self, role: str | None, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        headers = {} if role is None else {"Authorization": f"Bearer {self._tokens[role]}"}
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.post(
                self._graphql, json={"query": query, "variables": variables}, headers=headers
            )
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(f"GraphQL error: {body['errors']}")
        data: dict[str, Any] = body["data"]
        return data

    async def durable_summary(self) -> str:
        """From /metrics: how long updates waited for their commit (bucket upper bounds)."""
        async with httpx.AsyncClient(timeout=10) as http:
            text = (await http.get(self._graphql.replace("/graphql", "/metrics"))).text
        name = "warroom_doc_update_durable_seconds_bucket"
        buckets = [
            (float(line.split('le="')[1].split('"')[0]), int(line.split()[-1]))
            for line in text.splitlines()
            if line.startswith(name)
        ]
        total = buckets[-1][1] if buckets else 0
        if not total:
            return "no updates stored"

        def quantile(q: float) -> str:
            bound = next(b for b, n in buckets if n >= q * total)
            return "over 1 s" if bound == float("inf") else f"<= {bound * 1000:g} ms"

        return f"{total} updates committed; wait for commit p50 {quantile(0.5)}, p99 {quantile(0.99)}"

    async def stop(self) -> None:
        """Terminate the server (SIGTERM, so that it flushes like in production)."""
        await stop_process(self._process)


async def _run(command: list[str], env: dict[str, str], log: Path) -> None:
    with log.open("ab") as sink:
        process = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
        if await process.wait() != 0:
            raise RuntimeError(f"{' '.join(command[:5])}... failed; see {log}")


async def _wait_listening(port: int, process: asyncio.subprocess.Process, log: Path) -> None:
    deadline = time.monotonic() + _LISTEN_TIMEOUT
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise RuntimeError(f"server exited ({process.returncode}); see {log}")
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            await writer.wait_closed()
            return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"server not listening on {port} after {_LISTEN_TIMEOUT} s; see {log}")
