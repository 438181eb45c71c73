"""Sync fan-out: writer->observer latency of our /sync endpoint against the reference y-websocket server.

Both servers get the same npm y-websocket clients in the same run (see docs/benchmarks.md, "Sync fan-out"):
  A: 1 writer + N observers in one case; B: M cases x K clients (1 writer + K-1 observers each).
The writer appends a small paragraph every interval; each carries its send time, and every observer
records arrival minus send time. Run it under `flock /tmp/warroom-bench.lock`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import _args
from _sync_servers import (
    JS_DIR,
    ReferenceServer,
    Room,
    Server,
    WarroomServer,
    cpu_seconds,
    ensure_js_installed,
    machine_busy_seconds,
    peak_rss_mb,
)

_LINE_LIMIT = 256 * 1024 * 1024  # a report line carries every latency sample


@dataclass(frozen=True)
class Scenario:
    """A load: `cases` rooms, each with one writer and `observers` observers, one paragraph per interval."""

    key: str
    cases: int
    observers: int
    interval_ms: float

    def describe(self, duration: float) -> str:
        rate = 1000 / self.interval_ms
        return (
            f"{self.cases} case(s) x (1 writer + {self.observers} observers), "
            f"{rate:g} updates/s per writer for {duration:g} s"
        )


@dataclass
class Result:
    """What one server did under one scenario."""

    server: str
    scenario: str
    run: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    samples: int
    delivered: int
    expected: int
    server_cpu_s: float
    wall_s: float
    server_peak_rss_mb: float
    writer_cpu_pct: float
    observers_cpu_pct: list[float]
    others_cpu_pct: float
    client_us_per_update: float
    connect_s: float
    observer_procs: int
    ws_extensions: str
    late_windows: list[tuple[float, int]]
    """The busiest `LATE_WINDOW_S` windows for deliveries over `--late-ms`: (seconds after the first
    measured write, count), in time order: where a tail comes from (a burst, a job, a renewal)."""


class _Loader:
    """One Node load-generator process (benchmarks/js/loadgen.mjs)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def spawn(cls, config: dict[str, Any]) -> _Loader:
        process = await asyncio.create_subprocess_exec(
            "node", "loadgen.mjs", json.dumps(config),
            cwd=JS_DIR, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=_LINE_LIMIT,
        )  # fmt: skip
        return cls(process)

    async def send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        await self.process.stdin.drain()

    async def expect(self, kind: str) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"load generator exited ({await self.process.wait()}) before {kind!r}")
        message: dict[str, Any] = json.loads(line)
        if message.get("type") != kind:
            raise RuntimeError(f"expected {kind!r} from the load generator, got {message}")
        return message

    async def close(self) -> None:
        if self.process.returncode is None:
            await self.send({"cmd": "exit"})
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


def _percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


LATE_WINDOW_S = 0.25
LATE_WINDOWS_SHOWN = 5


BOOTSTRAP_SAMPLES = 2000


def p99_ratio_interval(pairs: list[tuple[float, float]], level: float = 0.9) -> tuple[float, float]:
    """Where ours/reference's ratio of median p99s lies at `level`, from (ours, reference) p99 pairs of
    interleaved runs, resampled with replacement (a bootstrap; a pair shares the machine's noise)."""
    rng = random.Random(0)
    ratios = sorted(
        statistics.median(ours for ours, _ in sample) / statistics.median(ref for _, ref in sample)
        for sample in ([rng.choice(pairs) for _ in pairs] for _ in range(BOOTSTRAP_SAMPLES))
    )
    tail = int(len(ratios) * (1 - level) / 2)
    return ratios[tail], ratios[-1 - tail]


def late_windows(samples: list[tuple[float, float]], late_ms: float) -> list[tuple[float, int]]:
    """Deliveries slower than `late_ms`, counted per window of their send time (ms, CLOCK_MONOTONIC);
    the `LATE_WINDOWS_SHOWN` busiest windows, in time order."""
    if not samples:
        return []
    first = min(sent for sent, _ in samples)
    late = Counter(int((sent - first) / 1000 / LATE_WINDOW_S) for sent, ms in samples if ms > late_ms)
    busiest = sorted(late.most_common(LATE_WINDOWS_SHOWN))
    return [(round(window * LATE_WINDOW_S, 2), count) for window, count in busiest]


async def run_scenario(server: Server, scenario: Scenario, run: int, args: argparse.Namespace) -> Result:
    """Connect every client, let the writers write, collect every observer's latencies."""
    rooms: list[Room] = await server.rooms(scenario.cases)
    timing = {
        "intervalMs": scenario.interval_ms,
        "durationMs": args.duration * 1000,
        "warmupMs": args.warmup * 1000,
        "padTo": args.paragraph_chars,
    }
    writer_clients = [
        {"room": r.name, "params": (await server.params(r, "writer", 1))[0], "role": "writer"} for r in rooms
    ]
    observer_clients = [
        {"room": r.name, "params": params, "role": "observer"}
        for r in rooms
        for params in await server.params(r, "observer", scenario.observers)
    ]
    # Observers are dealt round-robin so that each process holds a share of every room.
    shares = [observer_clients[i :: args.observer_procs] for i in range(args.observer_procs)]
    connect_started = time.monotonic()
    if args.writer_with_observers:
        # Every client in one process: the layout a quick experiment tends to use (see docs/benchmarks.md).
        shares = [writer_clients + observer_clients]
    observers = [await _Loader.spawn({"url": server.url, "clients": share, **timing}) for share in shares]
    writer = (
        observers[0]
        if args.writer_with_observers
        else await _Loader.spawn({"url": server.url, "clients": writer_clients, **timing})
    )
    loaders = list(dict.fromkeys([writer, *observers]))
    try:
        async with asyncio.timeout(120):
            ready = [await loader.expect("ready") for loader in loaders]
        connect_s = time.monotonic() - connect_started
        await asyncio.sleep(args.settle)

        wall_0, server_cpu_0, busy_0 = time.monotonic(), cpu_seconds(server.pid), machine_busy_seconds()
        loaders_cpu_0 = [cpu_seconds(loader.process.pid) for loader in loaders]
        # CLOCK_MONOTONIC, as Node's process.hrtime reads it.
        await writer.send({"cmd": "start", "at": time.monotonic() * 1000 + 200})
        async with asyncio.timeout(args.duration + 120):
            written = (await writer.expect("written"))["written"]
        for loader in observers:
            await loader.send({"cmd": "collect", "expected": written, "deadlineMs": args.drain * 1000})
        async with asyncio.timeout(args.drain + 60):
            reports = [await loader.expect("report") for loader in observers]
        wall_s = time.monotonic() - wall_0
        server_cpu_s = cpu_seconds(server.pid) - server_cpu_0
        loaders_cpu = [cpu_seconds(p.process.pid) - c for p, c in zip(loaders, loaders_cpu_0, strict=True)]
        # Whatever else ran on the machine meanwhile (other sessions): large values mean noisy figures.
        others_cpu = machine_busy_seconds() - busy_0 - server_cpu_s - sum(loaders_cpu)
        peak_rss = peak_rss_mb(server.pid)
    finally:
        for loader in loaders:
            await loader.close()

    latencies = sorted(ms for report in reports for ms in report["latencies"])
    samples = [(sent, ms) for r in reports for sent, ms in zip(r["sent_at"], r["latencies"], strict=True)]
    return Result(
        server=server.name,
        scenario=scenario.key,
        run=run,
        p50_ms=_percentile(latencies, 0.50),
        p99_ms=_percentile(latencies, 0.99),
        max_ms=latencies[-1] if latencies else math.nan,
        samples=len(latencies),
        delivered=sum(r["received"] for r in reports),
        expected=sum(r["expected"] for r in reports),
        server_cpu_s=server_cpu_s,
        wall_s=wall_s,
        server_peak_rss_mb=peak_rss,
        writer_cpu_pct=0.0 if args.writer_with_observers else 100 * loaders_cpu[0] / wall_s,
        observers_cpu_pct=[100 * cpu / wall_s for cpu in loaders_cpu[-len(observers) :]],
        others_cpu_pct=max(0.0, 100 * others_cpu / wall_s),
        client_us_per_update=1e6
        * sum(loaders_cpu[-len(observers) :])
        / max(1, sum(r["received"] for r in reports)),
        connect_s=connect_s,
        observer_procs=args.observer_procs,
        ws_extensions=str(ready[0].get("extensions", "")),
        late_windows=late_windows(samples, args.late_ms),
    )


async def wait_for_quiet(args: argparse.Namespace) -> None:
    """Wait (at most --wait-quiet s) until the rest of the machine uses less than --quiet-below % CPU."""
    deadline = time.monotonic() + args.wait_quiet
    while True:
        busy_0 = machine_busy_seconds()
        await asyncio.sleep(1)
        busy_pct = 100 * (machine_busy_seconds() - busy_0)
        if busy_pct < args.quiet_below or time.monotonic() >= deadline:
            return
        print(f"  machine busy ({busy_pct:.0f}% of a core), waiting", file=sys.stderr)


async def _measure(
    name: str, scenario: Scenario, run: int, args: argparse.Namespace, workdir: Path
) -> Result:
    """One run on a fresh server; again (up to --retries times) while others used over --max-others %."""
    for attempt in range(args.retries + 1):
        await wait_for_quiet(args)
        server = await start_server(name, args, workdir)
        try:
            result = await run_scenario(server, scenario, run, args)
            if isinstance(server, WarroomServer):
                print(f"  {scenario.key}/{name}/{run}: {await server.durable_summary()}", file=sys.stderr)
        finally:
            await server.stop()
        figures = (
            f"p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms, others {result.others_cpu_pct:.0f}%"
        )
        print(f"  {scenario.key}/{name}/{run}: {figures}", file=sys.stderr)
        if result.late_windows:
            windows = ", ".join(f"{at:.2f} s: {count}" for at, count in result.late_windows)
            print(
                f"    late (>{args.late_ms:g} ms), busiest {LATE_WINDOW_S} s windows by send time: {windows}",
                file=sys.stderr,
            )
        if args.max_others is None or result.others_cpu_pct <= args.max_others or attempt == args.retries:
            break
    return result


async def start_server(name: str, args: argparse.Namespace, workdir: Path) -> Server:
    """A fresh server of that kind, its log under `workdir`."""
    log = workdir / f"{name}-{time.strftime('%H%M%S')}.log"
    if name == "reference":
        return await ReferenceServer.start(log)
    database_url = args.database_url or f"sqlite+aiosqlite:///{workdir / f'warroom-{time.monotonic_ns()}.db'}"
    return await WarroomServer.start(database_url, workdir, log)


def print_table(results: list[Result], scenarios: dict[str, Scenario], duration: float) -> None:
    """Readable figures per scenario and run, then the ours/reference ratios of the median figures."""
    header = (
        f"{'server':<10} {'run':>3} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'delivered':>17} "
        f"{'srv CPU':>13} {'peak RSS':>9} {'clients CPU %':>14} {'others %':>8} {'connect':>7} {'deflate':>7}"
    )
    for key, scenario in scenarios.items():
        rows = [r for r in results if r.scenario == key]
        if not rows:
            continue
        print(f"\nScenario {key}: {scenario.describe(duration)}")
        print(header)
        for r in sorted(rows, key=lambda r: (r.server != "reference", r.run)):
            clients = "/".join(f"{pct:.0f}" for pct in [r.writer_cpu_pct, *r.observers_cpu_pct])
            cpu = f"{r.server_cpu_s:.2f}s {100 * r.server_cpu_s / r.wall_s:3.0f}%"
            print(
                f"{r.server:<10} {r.run:>3} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.max_ms:>8.1f} "
                f"{f'{r.delivered}/{r.expected}':>17} {cpu:>13} {r.server_peak_rss_mb:>6.0f} MB "
                f"{clients:>14} {r.others_cpu_pct:>8.0f} {r.connect_s:>6.1f}s "
                f"{'yes' if 'permessage-deflate' in r.ws_extensions else 'no':>7}"
            )
        # The observers of one update that share a process are served one after another: the middle one
        # waits for half of them. Round-robin dealing puts observers/procs of each case in every process.
        per_process = scenario.observers / rows[0].observer_procs
        cost = statistics.median(r.client_us_per_update for r in rows)
        print(
            f"client cost {cost:.0f} us per delivered update -> ~{cost * per_process / 2000:.1f} ms of each "
            f"p50 is queueing in the observer process(es) ({per_process:g} observers of a case each)"
        )
        medians = {
            name: (statistics.median(r.p50_ms for r in group), statistics.median(r.p99_ms for r in group))
            for name in ("reference", "ours")
            if (group := [r for r in rows if r.server == name])
        }
        if len(medians) == 2:
            (ours_p50, ours_p99), (ref_p50, ref_p99) = medians["ours"], medians["reference"]
            runs = "" if len(rows) == 2 else " (medians over runs)"
            print(f"ratio ours/reference{runs}: p50 {ours_p50 / ref_p50:.2f}  p99 {ours_p99 / ref_p99:.2f}")
            p99 = {(r.server, r.run): r.p99_ms for r in rows}
            pairs = [
                (ms, p99[("reference", n)])
                for (s, n), ms in p99.items()
                if s == "ours" and ("reference", n) in p99
            ]
            if len(pairs) >= 3:
                low, high = p99_ratio_interval(pairs)
                print(
                    f"p99 ratio, 90% interval (bootstrap over {len(pairs)} run pairs): {low:.2f}-{high:.2f}"
                )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; every default is the documented load."""
    parser = _args.parser(__doc__)
    parser.add_argument("--servers", default="reference,ours", help="comma-separated: reference, ours")
    parser.add_argument("--scenarios", default="A,B", help="comma-separated: A, B")
    _args.writer_timing(parser, duration=5.0, warmup=1.0, interval_help="writer interval in scenario A")
    parser.add_argument("--observers", type=int, default=50, help="observers in scenario A")
    parser.add_argument("--cases", type=int, default=20, help="cases in scenario B")
    parser.add_argument("--clients-per-case", type=int, default=10, help="clients per case in scenario B")
    parser.add_argument("--b-interval-ms", type=float, default=50.0, help="writer interval in scenario B")
    parser.add_argument("--observer-procs", type=int, default=1, help="Node processes holding the observers")
    parser.add_argument(
        "--writer-with-observers", action="store_true", help="one Node process for every client (experiment)"
    )
    parser.add_argument("--paragraph-chars", type=int, default=48, help="characters per written paragraph")
    parser.add_argument(
        "--late-ms",
        type=float,
        default=10.0,
        help="a delivery slower than this counts as late (where, per run)",
    )
    parser.add_argument("--drain", type=float, default=10.0, help="seconds to wait for late updates")
    _args.repeat(parser, 1, "runs per scenario and server, interleaved")
    _args.wait_quiet(parser, help="wait up to this many s before a run...")
    parser.add_argument("--quiet-below", type=float, default=25, help="... until other load is below this %%")
    parser.add_argument("--max-others", type=float, help="redo a run in which others used more CPU (%%)")
    parser.add_argument("--retries", type=int, default=3, help="how often a run may be redone (--max-others)")
    _args.database_url(parser, "our server's database (default: a fresh SQLite file)")
    parser.add_argument(
        "--workdir", type=Path, help="where logs and the SQLite file go (default: a temp dir)"
    )
    parser.add_argument(
        "--json", dest="json_path", help="also write the results as JSON to this path (- = stdout)"
    )
    return parser.parse_args(argv)


async def main(args: argparse.Namespace) -> list[Result]:
    """Run every requested scenario against every requested server, each on a fresh server process."""
    ensure_js_installed()
    all_scenarios = {
        "A": Scenario("A", 1, args.observers, args.interval_ms),
        "B": Scenario("B", args.cases, args.clients_per_case - 1, args.b_interval_ms),
    }
    scenarios = {key: all_scenarios[key] for key in args.scenarios.split(",")}
    servers = args.servers.split(",")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="warroom-fanout-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"logs and data in {workdir}", file=sys.stderr)
    results = []
    for scenario in scenarios.values():
        for run in range(1, args.repeat + 1):
            for name in servers:
                results.append(await _measure(name, scenario, run, args, workdir))
    print_table(results, scenarios, args.duration)
    return results


if __name__ == "__main__":
    arguments = parse_args()
    figures = asyncio.run(main(arguments))
    if arguments.json_path:
        payload = json.dumps([asdict(r) for r in figures], indent=2)
        if arguments.json_path == "-":
            print(payload)
        else:
            Path(arguments.json_path).write_text(payload + "\n")
