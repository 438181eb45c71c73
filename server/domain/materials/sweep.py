"""The sweep: stored objects that no row names, left by a process that died between storing and committing.

An upload completes its object, then commits its row within milliseconds; an object with no row an hour
after it was written will never get one. Unfinished writes with nothing written for an hour go too (a
directory store's partial file, an S3 multipart upload). Every server sweeps now and then; two sweeping
at once is harmless. The store must be this deployment's own: another's objects have no rows here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from server.infra.config import Settings, int_setting
from server.infra.db import Database
from server.infra.object_store import ObjectStore
from server.models import Material
from server.models.base import utcnow

log = logging.getLogger("warroom.materials.sweep")

ORPHAN_AGE = timedelta(hours=1)
_BATCH = 500


@dataclass(frozen=True)
class SweepReport:
    orphans: int
    unfinished: int


async def sweep(db: Database, store: ObjectStore, now: datetime | None = None) -> SweepReport:
    """Delete objects older than an hour that no material names, and writes abandoned for an hour."""
    now = now or utcnow()
    unfinished = await store.discard_incomplete(now - ORPHAN_AGE)
    candidates = [item.key for item in await store.objects_before(now - ORPHAN_AGE)]
    orphans = 0
    for start in range(0, len(candidates), _BATCH):
        keys = candidates[start : start + _BATCH]
        async with db.sessions() as session:
            query = select(Material.storage_key).where(Material.storage_key.in_(keys))
            named = set((await session.execute(query)).scalars())
        for key in keys:
            if key not in named:
                await store.delete(key)
                orphans += 1
    if orphans or unfinished:
        log.warning(
            "removed stored materials no row names (a process stopped mid-upload)",
            extra={"orphans": orphans, "unfinished": unfinished, "store": store.description},
        )
    return SweepReport(orphans, unfinished)


class Sweeper:
    """Runs `sweep` every WARROOM_MATERIAL_SWEEP_MINUTES (60; 0: never) while started."""

    def __init__(self, db: Database, store: ObjectStore, minutes: int) -> None:
        self.db = db
        self.store = store
        self.minutes = minutes
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, db: Database, store: ObjectStore, settings: Settings) -> Sweeper:
        return cls(db, store, int_setting(settings.extra, "WARROOM_MATERIAL_SWEEP_MINUTES", 60))

    def start(self) -> None:
        if self.minutes > 0:
            self._task = asyncio.create_task(self._loop(), name="materials-sweep")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        # A first pass soon after start (a crash is the usual reason for orphans), spread across servers.
        delay = random.uniform(30, 90)
        while True:
            await asyncio.sleep(delay)
            try:
                await sweep(self.db, self.store)
            except Exception:  # tried again next time; the store or the database may be briefly away
                log.exception("material sweep failed")
            delay = self.minutes * 60 * random.uniform(0.9, 1.1)
