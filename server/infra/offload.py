"""CPU-bound work (replaying a log, a heatmap, a snapshot's text) runs in a child process.

Not in a thread: a thread that computes holds the GIL, and every time the event loop lets go of it
(each socket write does) the loop waits up to the switch interval, 5 ms, to get it back. A broadcast
to 50 sockets took 478 ms beside a thread replaying a log, 0.3 ms alone and 0.25 ms beside a child
doing the same (`benchmarks/offload.py`). A child process costs pickling the inputs and the result,
and its start (~0.3 s, once, in the background).

Functions run here must be importable module-level functions whose arguments and results pickle.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

WORKERS = max(1, min(2, os.cpu_count() or 1))

_pool: ProcessPoolExecutor | None = None


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # spawn, not fork: the server has threads (aiosqlite, the pool's own), and a forked child
        # would inherit their locks in whatever state they were.
        _pool = ProcessPoolExecutor(
            max_workers=WORKERS,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_leave_with_parent,
            initargs=(os.getpid(),),
        )
    return _pool


def _leave_with_parent(parent: int) -> None:
    """In each child: exit once the server is gone, even if it was killed and could not say so."""
    # Ctrl+C reaches the whole process group: the server shuts the children down itself, and an
    # interrupted child would only print a traceback beside the server's logs.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="offload-parent-watch", daemon=True).start()


def start(preload: Iterable[str] = ()) -> None:
    """Start the children now, in the background, so that the first job does not wait for them; each
    imports the `preload` modules (what the jobs run there), named by the caller: infra knows no feature."""
    pool = _executor()
    try:
        for _ in range(WORKERS):
            pool.submit(_warm, tuple(preload))
    except BrokenProcessPool:
        # A child died since the last start (killed, out of memory): start with new ones.
        shutdown(pool)
        start(preload)


def _warm(modules: tuple[str, ...]) -> None:
    """Import what the jobs run, once per child."""
    for module in modules:
        importlib.import_module(module)


async def run(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` in a child process; a child that died (killed, out of memory) is replaced."""
    call = functools.partial(fn, *args, **kwargs)
    loop = asyncio.get_running_loop()
    pool = _executor()
    try:
        return await loop.run_in_executor(pool, call)
    except BrokenProcessPool:
        shutdown(pool)
        return await loop.run_in_executor(_executor(), call)


def shutdown(pool: ProcessPoolExecutor | None = None, *, wait: bool = False) -> None:
    """Stop the children (all of them, or those of `pool` if it is still the current one); `wait` for
    them to exit."""
    global _pool
    if _pool is not None and (pool is None or pool is _pool):
        _pool.shutdown(wait=wait, cancel_futures=True)
        _pool = None
