"""Sign-in tokens: which are valid (unexpired, unrevoked, used recently, of an active user), when one was
last used, and revoking them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.infra import auth
from server.infra.config import Settings
from server.infra.db import core_rows
from server.models import AuthToken, User
from server.models.base import utcnow

DEFAULT_IDLE = timedelta(hours=72)
# `last_used_at` moves at most this often: a request costs a write only when its token's time is older.
TOUCH_EVERY = timedelta(minutes=5)


def idle_limit(settings: Settings) -> timedelta:
    """How long a token may go unused (WARROOM_TOKEN_IDLE_HOURS)."""
    return timedelta(hours=settings.token_idle_hours)


_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")


def _valid(now: Any, idle_since: Any) -> tuple[Any, ...]:
    return (
        AuthToken.revoked_at.is_(None),
        AuthToken.expires_at > now,
        AuthToken.last_used_at > idle_since,
        User.active.is_(True),
    )


def with_token_owner(query: _Query) -> _Query:
    """`query` joined with the active user a valid token belongs to (unexpired, unrevoked, used within the
    idle limit); run it with `token_params(token, idle)`. Build it once: every request asks this."""
    return query.join(AuthToken, AuthToken.user_id == User.id).where(
        AuthToken.token_hash == bindparam("token_hash"), *_valid(bindparam("now"), bindparam("idle_since"))
    )


def token_params(token: str, idle: timedelta = DEFAULT_IDLE) -> dict[str, Any]:
    """The parameters of a `with_token_owner` statement for `token`."""
    now = utcnow()
    return {"token_hash": auth.token_digest(token), "now": now, "idle_since": now - idle}


_OWNER_BY_ID = (
    select(User)
    .join(AuthToken, AuthToken.user_id == User.id)
    .where(AuthToken.id == bindparam("token_id"), *_valid(bindparam("now"), bindparam("idle_since")))
)


async def owner_by_id(session: AsyncSession, token_id: str, idle: timedelta = DEFAULT_IDLE) -> User | None:
    """The active owner of the token `token_id` while it is valid (what a ticket minted with it is worth)."""
    now = utcnow()
    return await session.scalar(_OWNER_BY_ID, {"token_id": token_id, "now": now, "idle_since": now - idle})


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A valid token's owner, the token's id (what live connections are watched by) and its last use."""

    user: User
    token_id: str
    last_used_at: datetime

    @property
    def needs_touch(self) -> bool:
        """True when `touch` would move the token's last use (it is older than TOUCH_EVERY)."""
        return self.last_used_at < utcnow() - TOUCH_EVERY


_SIGNED_IN = with_token_owner(select(User, AuthToken.id, AuthToken.last_used_at))


async def signed_in(session: AsyncSession, token: str, idle: timedelta = DEFAULT_IDLE) -> SignedIn | None:
    """The valid token `token` and its owner; None when it is unknown, expired, revoked, idle or the
    account is disabled."""
    row = (await session.execute(_SIGNED_IN, token_params(token, idle))).first()
    return None if row is None else SignedIn(row[0], row[1], row[2])


async def user_for_token(session: AsyncSession, token: str, idle: timedelta = DEFAULT_IDLE) -> User | None:
    """The active user a valid token belongs to; otherwise None."""
    found = await signed_in(session, token, idle)
    return None if found is None else found.user


_TOKENS = AuthToken.__table__.c
_TOUCH = (
    update(AuthToken)
    .where(_TOKENS.id.in_(bindparam("ids", expanding=True)), _TOKENS.last_used_at < bindparam("before"))
    .values(last_used_at=bindparam("now"))
    .execution_options(synchronize_session=False)
)


async def touch(session: AsyncSession, token_ids: Collection[str]) -> None:
    """Record that these tokens were used now; only those last used more than TOUCH_EVERY ago are written."""
    if token_ids:
        now = utcnow()
        await session.execute(_TOUCH, {"ids": list(token_ids), "before": now - TOUCH_EVERY, "now": now})


_USERS = User.__table__.c
_LIVE = (
    select(_TOKENS.id, _TOKENS.last_used_at)
    .join(User.__table__, _USERS.id == _TOKENS.user_id)
    .where(
        _TOKENS.id.in_(bindparam("ids", expanding=True)), *_valid(bindparam("now"), bindparam("idle_since"))
    )
)
# Ids per query: far below the bound-parameter limits of SQLite (32766) and PostgreSQL (32767).
_CHUNK = 5000


async def still_valid(
    session: AsyncSession, token_ids: Collection[str], idle: timedelta
) -> dict[str, datetime]:
    """Which of `token_ids` are still valid, with their last use: one query per 5000 (the live
    connections' check)."""
    now = utcnow()
    wanted = list(token_ids)
    valid: dict[str, datetime] = {}
    for start in range(0, len(wanted), _CHUNK):
        params = {"ids": wanted[start : start + _CHUNK], "now": now, "idle_since": now - idle}
        valid.update((row[0], row[1]) for row in await core_rows(session, _LIVE, params))
    return valid


async def revoke(session: AsyncSession, token: str) -> str | None:
    """Revoke `token`; the id of the token when it was live, else None."""
    digest = auth.token_digest(token)
    token_id = await session.scalar(
        select(AuthToken.id).where(AuthToken.token_hash == digest, AuthToken.revoked_at.is_(None))
    )
    if token_id is not None:
        await session.execute(update(AuthToken).where(AuthToken.id == token_id).values(revoked_at=utcnow()))
    return token_id


async def revoke_all(session: AsyncSession, user_id: str, *, keep: str | None = None) -> list[str]:
    """Revoke every unrevoked token of the user except `keep` (a token id); the ids revoked."""
    query = select(AuthToken.id).where(AuthToken.user_id == user_id, AuthToken.revoked_at.is_(None))
    if keep is not None:
        query = query.where(AuthToken.id != keep)
    ids = list((await session.scalars(query.with_for_update())).all())
    if ids:
        await session.execute(update(AuthToken).where(AuthToken.id.in_(ids)).values(revoked_at=utcnow()))
    return ids
