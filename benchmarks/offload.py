"""Why CPU work leaves the server process: a broadcast's socket writes next to a log replay.

A room's broadcast is one `send()` per peer, each of which lets go of the GIL. With a thread replaying
a log beside it, the event loop's thread waits for the GIL again after each of them (up to the
switch interval, 5 ms). This measures one broadcast (50 non-blocking socket writes of 60 bytes, and
their reads) while nothing else runs, while a thread replays a case's log (`merged_state`, as
compaction and snapshots do), and while a child process (`server.infra.offload`) does the same.

Run it alone: flock /tmp/warroom-bench.lock python benchmarks/offload.py
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import _args
from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from server.infra import offload
from server.yjs.states import merged_state


def _log(updates: int) -> list[bytes]:
    """A case's log: one paragraph per update, as the fan-out benchmark's writer sends them."""
    doc: Doc[Any] = Doc()
    body = doc.get("body", type=XmlFragment)
    log: list[bytes] = []
    subscription = doc.observe(lambda event: log.append(event.update))
    for n in range(updates):
        with doc.transaction():
            paragraph = XmlElement("paragraph")
            body.children.append(paragraph)
            paragraph.children.append(XmlText(f"{n:05d} " + "x" * 42))
    doc.unobserve(subscription)
    return log


def _broadcasts(pairs: list[tuple[socket.socket, socket.socket]], rounds: int) -> list[float]:
    """Milliseconds per broadcast: write 60 bytes to every socket, then read them on the other ends."""
    frame = b"u" * 60
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for ours, _theirs in pairs:
            ours.send(frame)
        for _ours, theirs in pairs:
            theirs.recv(4096)
        times.append((time.perf_counter() - started) * 1000)
        time.sleep(0.002)
    return times


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _measure(label: str, pairs: list[tuple[socket.socket, socket.socket]], rounds: int) -> None:
    times = _broadcasts(pairs, rounds)
    print(f"{label:<34} p50 {_percentile(times, 0.5):7.2f} ms   p99 {_percentile(times, 0.99):7.2f} ms")


def _busy(work: Callable[[], object], stop: threading.Event) -> None:
    while not stop.is_set():
        work()


async def _child_loop(log: list[bytes], stop: threading.Event) -> None:
    while not stop.is_set():
        await offload.run(merged_state, log)


def main() -> None:
    parser = _args.parser(__doc__)
    parser.add_argument("--peers", type=int, default=50, help="sockets per broadcast")
    parser.add_argument("--rounds", type=int, default=300, help="broadcasts per measurement")
    _args.updates(parser, 2000, "updates in the replayed log")
    args = parser.parse_args()

    pairs = [socket.socketpair() for _ in range(args.peers)]
    for ours, theirs in pairs:
        ours.setblocking(False)
        theirs.setblocking(False)
    log = _log(args.updates)
    started = time.perf_counter()
    merged_state(log)
    print(f"one replay of {args.updates} updates: {(time.perf_counter() - started) * 1000:.0f} ms of CPU")

    _measure("alone", pairs, args.rounds)

    stop = threading.Event()
    thread = threading.Thread(target=_busy, args=(lambda: merged_state(log), stop))
    thread.start()
    _measure("beside a replay in a thread", pairs, args.rounds)
    stop.set()
    thread.join()

    stop = threading.Event()
    loop = asyncio.new_event_loop()
    offload.start()
    loop.run_until_complete(offload.run(merged_state, log))  # started and warm
    runner = threading.Thread(target=loop.run_until_complete, args=(_child_loop(log, stop),))
    runner.start()
    _measure("beside a replay in a child process", pairs, args.rounds)
    stop.set()
    runner.join()
    offload.shutdown()


if __name__ == "__main__":
    main()
