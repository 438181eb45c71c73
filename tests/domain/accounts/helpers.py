"""People signed in through the domain, and reading what the account actions leave behind."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from server.domain.accounts import tokens
from server.domain.signin import SignIn, SignInRules
from server.infra.config import Settings
from server.infra.db import Database
from server.infra.throttle import MemoryThrottle
from server.models import AuditEvent, AuthToken, OutboxMessage, User
from tests.support.people import PASSWORD

TTL = timedelta(hours=1)


async def sign_in(db: Database, email: str, password: str = PASSWORD, ttl: timedelta = TTL) -> str:
    """Sign in as `login` does (password checked, audited), with a throttle of its own."""
    signin = SignIn(db, MemoryThrottle(), SignInRules.from_settings(Settings()), ttl)
    return (await signin(email=email, password=password, address="127.0.0.1")).token


async def token_id(db: Database, token: str) -> str:
    async with db.sessions() as session:
        found = await tokens.signed_in(session, token)
        assert found is not None, "the token is not valid"
        return found.token_id


async def last_used(db: Database, token_id: str) -> datetime:
    async with db.sessions() as session:
        return (await session.get_one(AuthToken, token_id)).last_used_at


async def age(db: Database, token_id: str, by: timedelta) -> None:
    """Move the token's last use back by `by`, as if it had gone unused that long."""
    async with db.transaction() as session:
        row = await session.get_one(AuthToken, token_id)
        row.last_used_at = row.last_used_at - by


async def audit_of(db: Database, action: str) -> list[dict[str, Any]]:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
        )
        return [{"actor": e.actor_id, "subject": e.subject, **e.data} for e in rows]


async def revocations(db: Database) -> list[str]:
    """The token ids announced revoked by the outbox rows not delivered yet (no dispatcher runs here)."""
    async with db.sessions() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.name == "sessions:revoked"))
        return [token for row in rows for token in row.payload["tokenIds"]]


async def account(db: Database, user_id: str) -> User:
    async with db.sessions() as session:
        return await session.get_one(User, user_id)
