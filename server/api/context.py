"""What every resolver receives as `info.context`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info as _Info

from server.domain.access.documents import RedactedCopies
from server.domain.accounts import tokens
from server.domain.accounts.tokens import SignedIn
from server.domain.accounts.watch import SessionWatch
from server.domain.audit import Sequencer
from server.domain.cases import actions as cases
from server.domain.comments.anchors import ResolverCache
from server.domain.errors import Unauthenticated
from server.domain.materials.vault import Vault
from server.domain.painpoints.submit import Submissions
from server.domain.signin import SignIn
from server.infra.config import Settings
from server.infra.db import Database
from server.infra.events import EventBus
from server.infra.job_queues import JobQueue
from server.models import Case, CaseMember, User
from server.sync.rooms import Rooms


@dataclass
class Services:
    """The long-lived parts of a running server that resolvers use."""

    db: Database
    settings: Settings
    jobs: JobQueue
    rooms: Rooms
    events: EventBus
    # group commit of pain-point submissions
    painpoints: Submissions
    signin: SignIn
    # closes this server's live connections whose session ended
    sessions: SessionWatch
    # materials sealed into the object store, and read back by range (`vault.read(material, start, end)`)
    vault: Vault
    # links the audit events committed here and signs the chain's checkpoints
    audit: Sequencer
    anchors: ResolverCache = field(default_factory=ResolverCache)
    # the redacted copy of each case's document, made once per change for all its masked readers here
    masked_copies: RedactedCopies = field(default_factory=RedactedCopies)


# A WebSocket connection lives for hours: its token is looked up again this often (by default), so
# a revoked or expired one stops receiving events.
USER_RECHECK_SECONDS = 30.0


@dataclass
class Context:
    """Per request. Sibling fields resolve concurrently, so each resolver opens its own session."""

    services: Services
    token: str | None
    request: Any = None
    response: Any = None
    request_id: str = ""
    long_lived: bool = False
    """A graphql-transport-ws connection: one context for all its operations."""
    user_recheck_seconds: float = USER_RECHECK_SECONDS
    connection_params: dict[str, object] | None = None
    """The payload of that connection's `connection_init` message."""
    token_id: str | None = None
    """The id of the token the user was found by (what a WebSocket's session is watched by)."""
    _user: asyncio.Future[User | None] | None = field(default=None, repr=False)
    _user_looked_up: float = field(default=0.0, repr=False)

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A short-lived session for reading (it cannot write)."""
        async with self.services.db.reads() as session:
            yield session

    @asynccontextmanager
    async def command(self) -> AsyncIterator[AsyncSession]:
        """One mutation, one transaction: committed when the block succeeds, rolled back otherwise."""
        async with self.services.db.transaction() as session:
            yield session

    async def current_user(self) -> User | None:
        """The signed-in user, or None for an anonymous request (looked up once per request, and
        every `user_recheck_seconds` on a WebSocket connection)."""
        stale = self.long_lived and time.monotonic() - self._user_looked_up > self.user_recheck_seconds
        if self._user is None or (stale and self._user.done()):
            self._user_looked_up = time.monotonic()
            self._user = asyncio.ensure_future(self._lookup_user())
        return await asyncio.shield(self._user)

    async def case_member(self, case_id: str) -> tuple[Case, CaseMember]:
        """A case the signed-in user belongs to, and their membership: UNAUTHENTICATED without a valid
        token, NOT_FOUND for a case that is missing or not theirs. When the user is not looked up yet,
        the token and the membership are read in one query."""
        if self._user is None and self.token:
            async with self.read() as session:
                found = await cases.member_by_token(session, case_id, self.token, self._idle)
            if found is not None:
                signed, case, member = found
                self._remember(signed.user)
                await self._used(signed)
                return case, member
        user = await self.user()
        async with self.read() as session:
            return await cases.require_member(session, case_id, user)

    def _remember(self, user: User) -> None:
        if self._user is None:
            known: asyncio.Future[User | None] = asyncio.get_running_loop().create_future()
            known.set_result(user)
            self._user_looked_up = time.monotonic()
            self._user = known
            self._name_in_log(user)

    def _name_in_log(self, user: User) -> None:
        state = getattr(self.request, "scope", {}).get("state")
        if isinstance(state, dict):
            state["user_id"] = user.id  # the access log line names who asked

    @property
    def client_address(self) -> str:
        """The peer's address (`serve --proxy-headers`: a trusted proxy's X-Forwarded-For)."""
        client = getattr(self.request, "client", None)
        return str(getattr(client, "host", None) or "unknown")

    def use_token(self, token: str | None) -> None:
        """Authenticate later lookups with `token` (a WebSocket sends it after the handshake)."""
        self.token = token
        self._user = None

    @property
    def _idle(self) -> timedelta:
        return tokens.idle_limit(self.settings)

    async def _lookup_user(self) -> User | None:
        if not self.token:
            return None
        async with self.read() as session:
            signed = await tokens.signed_in(session, self.token, self._idle)
        if signed is None:
            return None
        self._name_in_log(signed.user)
        await self._used(signed)
        return signed.user

    async def _used(self, signed: SignedIn) -> None:
        """Note the token's id, and its use (written only every few minutes: the idle timeout's clock)."""
        self.token_id = signed.token_id
        if signed.needs_touch:
            async with self.command() as session:
                await tokens.touch(session, [signed.token_id])

    async def user(self) -> User:
        """The signed-in user; UNAUTHENTICATED otherwise."""
        user = await self.current_user()
        if user is None:
            raise Unauthenticated("Sign in first: the request has no valid token.")
        return user


Info = _Info[Context, None]


def bearer_token(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
