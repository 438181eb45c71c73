"""Password guessing beside live edits: does a burst of sign-ins slow a case's sync, or others' sign-in?

A fresh server (`python -m server serve`, SQLite) per repetition; each repetition runs two phases on it, in
alternating order, each on a case of its own: one npm y-websocket writer adds a paragraph every
--interval-ms and one observer (another Node process) records each paragraph's arrival minus its send time.
In the burst phase, --attempts concurrent `login` calls with wrong passwords for one account leave one
address (127.0.0.1) --burst-at seconds into the writing, and another account signs in 10 ms later from
another address (127.0.0.2); in the quiet phase that account signs in at the same moment and nothing else
happens. Reported: the observer's p99 in both phases and their ratio (must stay <= 1.2), the other
account's sign-in time, and how the burst was answered. `--server-cpus 0` keeps the server on CPU 0 and
the clients on the others, as if they were other machines. See docs/benchmarks.md, "Sign-in under a
guessing burst".

Run it alone: flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/login_burst.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import _args
import httpx
from _sync_servers import (
    ROOT,
    WarroomServer,
    cpu_seconds,
    ensure_js_installed,
    machine_busy_seconds,
    process_tree,
)
from sync_fanout import _Loader, _percentile

PASSWORD = "bench-password-1"
LOGIN = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
LIMIT = 1.2


@dataclass
class Phase:
    """One phase's figures."""

    kind: str
    run: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    delivered: str
    sign_in_ms: float
    burst_s: float = 0.0
    answers: dict[str, int] = field(default_factory=dict)
    server_cpu_s: float = 0.0
    others_cpu_pct: float = 0.0


async def _create_users(database_url: str, workdir: Path, emails: list[str]) -> None:
    env = {**os.environ, "WARROOM_DATABASE_URL": database_url, "WARROOM_DATA_DIR": str(workdir)}
    for email in emails:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "server", "users", "create", "--email", email,
            "--name", email.split("@")[0], "--role", "member", "--password", PASSWORD, cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        if await process.wait() != 0:
            raise RuntimeError(f"could not create {email}")


async def _sign_in(http: httpx.AsyncClient, url: str, email: str, password: str) -> tuple[str, float]:
    """The answer's code ("OK" for a token) and how long it took, in ms."""
    started = time.perf_counter()
    body = (await http.post(url, json={"query": LOGIN, "variables": {"e": email, "p": password}})).json()
    elapsed = (time.perf_counter() - started) * 1000
    if body.get("errors"):
        return str(body["errors"][0].get("extensions", {}).get("code")), elapsed
    return "OK", elapsed


def _request(host: str, port: int, email: str, password: str) -> bytes:
    """A sign-in as bytes: the guessing client's own CPU should not compete with the server for this
    machine's two cores (httpx costs ~1 ms per request)."""
    body = json.dumps({"query": LOGIN, "variables": {"e": email, "p": password}}).encode()
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    return head + body


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _send(connection: Connection, request: bytes) -> str:
    reader, writer = connection
    try:
        writer.write(request)
        response = await reader.read()
    finally:
        writer.close()
    found = re.search(rb'"code":\s*"(\w+)"', response)
    return found.group(1).decode() if found else ("OK" if b'"token"' in response else "?")


class Burst:
    """`attempts` wrong-password sign-ins for one account, each on a connection of its own."""

    def __init__(self, url: str, email: str, attempts: int) -> None:
        address = urlsplit(url)
        self.host, self.port = address.hostname or "127.0.0.1", address.port or 80
        self.requests = [_request(self.host, self.port, email, f"guess-{n}") for n in range(attempts)]
        self.connections: list[Connection] = []

    async def connect(self) -> None:
        """Open the connections now (--preconnect): the burst is then only the sign-ins themselves."""
        self.connections = [await asyncio.open_connection(self.host, self.port) for _ in self.requests]

    async def run(self) -> tuple[Counter[str], float]:
        started = time.perf_counter()

        async def one(n: int, request: bytes) -> str:
            if n < len(self.connections):
                return await _send(self.connections[n], request)
            return await _send(await asyncio.open_connection(self.host, self.port), request)

        answers = await asyncio.gather(*(one(n, request) for n, request in enumerate(self.requests)))
        return Counter(answers), time.perf_counter() - started


async def _phase(server: WarroomServer, kind: str, run: int, args: argparse.Namespace) -> Phase:
    (room,) = await server.rooms(1)
    timing = {
        "intervalMs": args.interval_ms,
        "durationMs": args.duration * 1000,
        "warmupMs": args.warmup * 1000,
        "padTo": 48,
    }
    # each client gets a ticket of its own (single use) for its sync socket
    writer_params, observer_params = [
        (await server.params(room, role, 1))[0] for role in ("writer", "observer")
    ]
    writer = await _Loader.spawn(
        {"url": server.url, "clients": [{"room": room.name, "params": writer_params, "role": "writer"}]}
        | timing
    )
    observer = await _Loader.spawn(
        {"url": server.url, "clients": [{"room": room.name, "params": observer_params, "role": "observer"}]}
        | timing
    )
    graphql = server.url.replace("ws://", "http://").replace("/sync", "/graphql")
    guesses = Burst(graphql, args.victim, args.attempts)
    if kind == "burst" and args.preconnect:
        await guesses.connect()
    try:
        async with asyncio.timeout(60):
            for loader in (writer, observer):
                await loader.expect("ready")
        await asyncio.sleep(args.settle)
        start_at = time.monotonic() + 0.2
        cpu_0, busy_0, wall_0 = cpu_seconds(server.pid), machine_busy_seconds(), time.monotonic()
        await writer.send({"cmd": "start", "at": start_at * 1000})
        await asyncio.sleep(start_at + args.burst_at - time.monotonic())
        burst = asyncio.create_task(guesses.run()) if kind == "burst" else None
        await asyncio.sleep(0.01)
        # The colleague signs in from another address (loopback has them all), as they would
        async with httpx.AsyncClient(
            timeout=120, transport=httpx.AsyncHTTPTransport(local_address=args.bystander_address)
        ) as http:
            code, sign_in_ms = await _sign_in(http, graphql, args.bystander, PASSWORD)
        if code != "OK":
            raise RuntimeError(f"the other account could not sign in: {code}")
        answers, burst_s = await burst if burst is not None else (Counter[str](), 0.0)
        async with asyncio.timeout(args.duration + 60):
            written = (await writer.expect("written"))["written"]
        await observer.send({"cmd": "collect", "expected": written, "deadlineMs": 10_000})
        async with asyncio.timeout(30):
            report = await observer.expect("report")
        wall = time.monotonic() - wall_0
        server_cpu = cpu_seconds(server.pid) - cpu_0
        loaders_cpu = sum(cpu_seconds(loader.process.pid) for loader in (writer, observer))
        others = machine_busy_seconds() - busy_0 - server_cpu - loaders_cpu
    finally:
        for loader in (writer, observer):
            await loader.close()
    latencies = sorted(report["latencies"])
    return Phase(
        kind=kind,
        run=run,
        p50_ms=_percentile(latencies, 0.5),
        p99_ms=_percentile(latencies, 0.99),
        max_ms=latencies[-1],
        delivered=f"{report['received']}/{report['expected']}",
        sign_in_ms=sign_in_ms,
        burst_s=burst_s,
        answers=dict(answers),
        server_cpu_s=server_cpu,
        others_cpu_pct=max(0.0, 100 * others / wall),
    )


def _pin(pid: int, cpus: set[int]) -> None:
    """Every thread of the server's process tree on `cpus` (threads and children made later inherit it)."""
    for member in process_tree(pid):
        for task in Path(f"/proc/{member}/task").iterdir():
            os.sched_setaffinity(int(task.name), cpus)


async def _repetition(run: int, args: argparse.Namespace, workdir: Path) -> list[Phase]:
    database_url = f"sqlite+aiosqlite:///{workdir / f'warroom-{run}.db'}"
    log = workdir / f"server-{run}.log"
    server = await WarroomServer.start(database_url, workdir, log)
    if args.server_cpus:
        _pin(server.pid, {int(cpu) for cpu in args.server_cpus.split(",")})
    try:
        await _create_users(database_url, workdir, [args.victim, args.bystander])
        order = ["quiet", "burst"] if run % 2 == 0 else ["burst", "quiet"]
        phases = [await _phase(server, kind, run, args) for kind in order]
    finally:
        await server.stop()
    for phase in phases:
        print(
            f"  run {run} {phase.kind:<5}: p50 {phase.p50_ms:.2f} ms, p99 {phase.p99_ms:.2f} ms, "
            f"max {phase.max_ms:.1f} ms, other account signed in in {phase.sign_in_ms:.0f} ms, "
            f"others {phase.others_cpu_pct:.0f}%"
            + (
                f", burst answered in {phase.burst_s:.2f} s: {phase.answers}" if phase.kind == "burst" else ""
            ),
            file=sys.stderr,
        )
    return phases


def _report(phases: list[Phase], args: argparse.Namespace) -> bool:
    connections = "opened beforehand" if args.preconnect else "each opening its connection"
    print(
        f"\n{args.attempts} concurrent wrong-password sign-ins ({connections}) for one account from one "
        "address, "
        f"{args.burst_at:g} s into {args.duration:g} s of 1 writer + 1 observer "
        f"({1000 / args.interval_ms:g} updates/s); {args.repeat} repetition(s), fresh server each"
    )
    print(
        f"{'phase':<6} {'run':>3} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'delivered':>10} "
        f"{'sign-in ms':>10} {'srv CPU s':>9} {'others %':>8} {'burst s':>7}  answers"
    )
    for p in sorted(phases, key=lambda p: (p.run, p.kind)):
        print(
            f"{p.kind:<6} {p.run:>3} {p.p50_ms:>8.2f} {p.p99_ms:>8.2f} {p.max_ms:>8.1f} {p.delivered:>10} "
            f"{p.sign_in_ms:>10.0f} {p.server_cpu_s:>9.2f} {p.others_cpu_pct:>8.0f} {p.burst_s:>7.2f}  "
            f"{p.answers or ''}"
        )
    quiet = [p for p in phases if p.kind == "quiet"]
    burst = [p for p in phases if p.kind == "burst"]
    ratio = statistics.median(p.p99_ms for p in burst) / statistics.median(p.p99_ms for p in quiet)
    by_run = {p.run: p.p99_ms for p in quiet}
    pairs = ", ".join(f"{p.p99_ms / by_run[p.run]:.2f}" for p in sorted(burst, key=lambda p: p.run))
    verdict = "ok" if ratio <= LIMIT else "MISSED"
    print(
        f"observer p99, burst/quiet (medians of runs): {ratio:.2f} ({verdict}: <= {LIMIT}); per run: {pairs}"
    )
    print(
        "other account's sign-in: quiet median "
        f"{statistics.median(p.sign_in_ms for p in quiet):.0f} ms, during the burst median "
        f"{statistics.median(p.sign_in_ms for p in burst):.0f} ms "
        f"(max {max(p.sign_in_ms for p in burst):.0f} ms)"
    )
    return ratio <= LIMIT


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = _args.parser(__doc__)
    parser.add_argument("--attempts", type=int, default=200, help="wrong-password sign-ins in the burst")
    _args.repeat(parser, 3, "repetitions (a fresh server each)")
    _args.writer_timing(parser, duration=4.0, warmup=0.5, duration_help="seconds the writer writes per phase")
    parser.add_argument(
        "--burst-at", type=float, default=1.0, help="seconds into the writing the burst starts"
    )
    parser.add_argument(
        "--unthrottled",
        action="store_true",
        help="raise the sign-in budgets: every attempt checks its password (the hashing children alone)",
    )
    parser.add_argument(
        "--preconnect",
        action="store_true",
        help="open the burst's connections before the writing starts (the burst is then the sign-ins alone)",
    )
    parser.add_argument("--victim", default="victim@bench.warroom")
    parser.add_argument("--bystander", default="王芳@bench.warroom")
    parser.add_argument(
        "--bystander-address", default="127.0.0.2", help="where the other account signs in from"
    )
    parser.add_argument(
        "--server-cpus",
        help="run the server (its threads and children) on these CPUs and every client (the writer, the "
        "observer, the guessing) on the others, e.g. 0: as if the clients were other machines",
    )
    return parser.parse_args(argv)


async def main_async(args: argparse.Namespace) -> bool:
    ensure_js_installed()
    if args.unthrottled:
        # read by the servers this process starts
        os.environ["WARROOM_LOGIN_ACCOUNT_ATTEMPTS"] = os.environ["WARROOM_LOGIN_ADDRESS_ATTEMPTS"] = "100000"
    if args.server_cpus:
        # This process and what it starts (the Node clients) keep off the server's CPUs.
        os.sched_setaffinity(
            0, set(range(os.cpu_count() or 1)) - {int(c) for c in args.server_cpus.split(",")}
        )
    workdir = Path(tempfile.mkdtemp(prefix="warroom-login-burst-"))
    phases: list[Phase] = []
    for run in range(args.repeat):
        phases += await _repetition(run, args, workdir)
    print(f"server logs and databases: {workdir}", file=sys.stderr)
    return _report(phases, args)


def main() -> None:
    sys.exit(0 if asyncio.run(main_async(parse_args())) else 1)


if __name__ == "__main__":
    main()
