"""Switches and start-up checks for the speed-ups that reach into libraries' internals.

Three speed-ups lean on more than a library's public API: server/api/execution.py (graphql-core's and
strawberry's execution internals), server/sync/websocket.py (a subclass of a private uvicorn module) and
server/infra/sqlite_reads.py (stands in for aiosqlite under SQLAlchemy's dialect). Each one can be switched
off by a setting, and each checks when it is chosen that what it relies on is there, in the versions it
was written for; when not, it stays off with a warning and the library's own path serves instead, so an
upgrade that breaks one makes the server slower rather than broken.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from types import CodeType
from typing import Any, TypeVar

log = logging.getLogger("warroom.speedups")

T = TypeVar("T")


class Incompatible(Exception):
    """The internals a speed-up relies on are not as it was written for."""


@dataclass(frozen=True)
class Speedup:
    """One speed-up: what it is called in logs, and the setting that switches it off."""

    name: str
    variable: str


GRAPHQL = Speedup("fast GraphQL execution (server/api/execution.py)", "WARROOM_FAST_GRAPHQL")
WEBSOCKET = Speedup("direct WebSocket writes (server/sync/websocket.py)", "WARROOM_FAST_WEBSOCKET")
SQLITE_READS = Speedup("in-loop SQLite reads (server/infra/sqlite_reads.py)", "WARROOM_FAST_SQLITE_READS")

# Each is reported once per process, however many schemas or engines are built.
_reported: set[Speedup] = set()


def choose(speedup: Speedup, enabled: bool, load: Callable[[], T]) -> T | None:
    """What `load` returns (it imports and checks the speed-up), or None for the library's own path:
    when `enabled` is false, or when the speed-up does not fit the installed libraries (logged)."""
    if not enabled:
        _report(speedup, logging.INFO, f"{speedup.name} is off ({speedup.variable}=0)")
        return None
    try:
        return load()
    except (ImportError, AttributeError, Incompatible) as exc:
        _report(
            speedup,
            logging.WARNING,
            f"{speedup.name} is off: {exc}. The library's own path serves instead; review the speed-up "
            f"against the installed versions (docs/development.md), or set {speedup.variable}=0",
        )
        return None


def _report(speedup: Speedup, level: int, message: str) -> None:
    if speedup not in _reported:
        _reported.add(speedup)
        log.log(level, message, extra={"speedup": speedup.variable})


def _release(text: str) -> tuple[int, ...]:
    match = re.match(r"\d+(?:\.\d+)*", text)
    if match is None:
        raise Incompatible(f"cannot read the version {text!r}")
    return tuple(int(part) for part in match.group().split("."))


def require_version(distribution: str, at_least: str, below: str) -> None:
    """The installed `distribution` is at least `at_least` and below `below` (pre-releases count as
    their release)."""
    try:
        installed = version(distribution)
    except PackageNotFoundError:
        raise Incompatible(f"{distribution} is not installed") from None
    if not _release(at_least) <= _release(installed) < _release(below):
        raise Incompatible(
            f"{distribution} {installed} is outside the range it was written for [{at_least}, {below})"
        )


def require_members(owner: type, *names: str) -> None:
    """Each name is an attribute of `owner`, or a name that its code (or its bases') uses: the attributes
    it sets on instances are found that way."""
    used: set[str] = set()
    for klass in owner.__mro__:
        for member in vars(klass).values():
            code = getattr(getattr(member, "fget", member), "__code__", None)
            if isinstance(code, CodeType):
                used |= _names(code)
    missing = [name for name in names if not hasattr(owner, name) and name not in used]
    if missing:
        raise Incompatible(f"{owner.__module__}.{owner.__qualname__} has no {', '.join(missing)}")


def _names(code: CodeType) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, CodeType):  # nested functions
            names |= _names(constant)
    return names


def require_parameters(function: Callable[..., Any], *names: str) -> None:
    """`function` takes exactly these parameters, in this order (`self` included for a method)."""
    actual = tuple(inspect.signature(function).parameters)
    if actual != names:
        raise Incompatible(f"{function.__qualname__} takes {actual}, not {names}")
