"""Types shared by job functions and the runners that call them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from server.infra.config import Settings
from server.infra.db import Database
from server.infra.events import EventBus


class JobContext(TypedDict, total=False):
    """What arq passes as `ctx`, plus what our startup puts in it; in-process runs build the same."""

    db: Database
    settings: Settings
    jobs: Any  # server.infra.job_queues.JobQueue; Any avoids an import cycle through the server package
    events: EventBus | None  # reaches GraphQL subscribers on every server (None: nobody to tell)
    # Per-process state jobs share (an award batcher, say), created by the first job that needs it.
    shared: dict[str, Any]
    job_id: str
    job_try: int


# A job: `async def name(ctx: JobContext, **params) -> result`, as arq calls it.
JobFunction = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class JobRegistry:
    """The job functions a runner may call, by name (built by `server.domain.job_registry`)."""

    functions: Mapping[str, JobFunction]
    # Jobs that take turns in-process (see `server.domain.job_names.MAINTENANCE`).
    maintenance: frozenset[str] = field(default_factory=frozenset)
