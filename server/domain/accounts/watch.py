"""Live connections (sync and GraphQL WebSockets) and the sessions they run on.

Each server keeps one `SessionWatch`. A connection registers the id of the token it signed in with and a
way to close itself. The watch closes it

- at once when a revocation is announced (`events.tokens_revoked`, delivered by the outbox to every
  server through the event bus), and
- otherwise at its next check: every `every` seconds one query per process asks which registered tokens
  are still valid (unrevoked, unexpired, used within the idle limit, of an active account), whatever the
  reason one stopped being valid (expiry, idle, a revocation whose announcement was lost).

A connection the client writes through (a sync update) counts as a use of its token: the check moves
the token's `last_used_at` (at most every few minutes), so editing through the socket alone keeps a
session from going idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from server.domain.accounts import tokens
from server.domain.accounts.events import TOKEN_IDS
from server.infra import topics
from server.infra.config import Settings
from server.infra.db import Database
from server.infra.events import Event, EventBus
from server.models.base import utcnow

log = logging.getLogger("warroom.sessions")

# What a connection is closed with once its session ended; clients treat it as "sign in again".
CLOSE_SESSION_ENDED = 4401
SESSION_ENDED = "Unauthorized: the session ended (signed out, expired or the account disabled); sign in again"


class Watched:
    """One live connection's registration: `used` is set by the connection when its client writes."""

    __slots__ = ("_close", "_watch", "token_id", "used")

    def __init__(self, watch: SessionWatch, token_id: str, close: Callable[[], None]) -> None:
        self._watch = watch
        self._close = close
        self.token_id = token_id
        self.used = False

    def end(self) -> None:
        """The connection is gone: stop watching it."""
        self._watch._forget(self)


class SessionWatch:
    """Closes this process's live connections whose session ended, within `every` seconds (at once on an
    announced revocation)."""

    def __init__(self, db: Database, events: EventBus, *, idle: timedelta, every: float) -> None:
        self._db = db
        self._events = events
        self._idle = idle
        self._every = every
        self._live: dict[str, set[Watched]] = {}
        self._task: asyncio.Task[None] | None = None
        # Connections closed because their session ended (on /metrics).
        self.closed = 0

    @classmethod
    def from_settings(cls, db: Database, events: EventBus, settings: Settings) -> SessionWatch:
        return cls(db, events, idle=tokens.idle_limit(settings), every=settings.session_check_seconds)

    def __len__(self) -> int:
        return sum(len(watched) for watched in self._live.values())

    async def start(self) -> None:
        """Listen for revocations from every server, and check every `every` seconds."""
        await self._events.listen(topics.sessions_revoked(), self._on_revoked)
        self._task = asyncio.create_task(self._run(), name="session-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def watch(self, token_id: str, close: Callable[[], None]) -> Watched:
        """Register a live connection signed in with token `token_id`; `close` ends it (with 4401)."""
        watched = Watched(self, token_id, close)
        self._live.setdefault(token_id, set()).add(watched)
        return watched

    def _forget(self, watched: Watched) -> None:
        same = self._live.get(watched.token_id)
        if same is not None:
            same.discard(watched)
            if not same:
                del self._live[watched.token_id]

    def _on_revoked(self, event: Event) -> None:
        for token_id in event.get(TOKEN_IDS) or ():
            self._end(str(token_id))

    def _end(self, token_id: str) -> None:
        for watched in self._live.pop(token_id, ()):
            self.closed += 1
            try:
                watched._close()
            except Exception:
                log.exception("closing a connection whose session ended failed")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            try:
                await self.check()
            except Exception:
                # The database may be away for a moment; the next check tries again.
                log.exception("checking the live sessions failed")

    async def check(self) -> int:
        """Close the connections whose token is no longer valid (one query); how many tokens ended."""
        if not self._live:
            return 0
        watched = dict(self._live)
        async with self._db.reads() as session:
            valid = await tokens.still_valid(session, watched.keys(), self._idle)
        ended = [token_id for token_id in watched if token_id not in valid]
        for token_id in ended:
            self._end(token_id)
        await self._note_uses(watched, valid)
        return len(ended)

    async def _note_uses(self, watched: dict[str, set[Watched]], valid: dict[str, datetime]) -> None:
        """Move the last use of tokens whose connections the clients wrote through (when it is due)."""
        due = utcnow() - tokens.TOUCH_EVERY
        used = [
            token_id
            for token_id, connections in watched.items()
            if token_id in valid and valid[token_id] < due and any(c.used for c in connections)
        ]
        for token_id in used:
            for connection in watched[token_id]:
                connection.used = False
        if used:
            async with self._db.transaction() as session:
                await tokens.touch(session, used)
