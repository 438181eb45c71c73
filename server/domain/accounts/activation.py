"""Deactivating an account (it cannot sign in, every session ends at once) and reactivating it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.accounts import _people
from server.domain.accounts.sessions import end_sessions
from server.domain.errors import Conflict
from server.models import User


async def deactivate_user(session: AsyncSession, actor: User, user_id: str) -> User:
    """An admin deactivates a teammate (never themself, never the team's last active admin)."""
    _people.require_admin(actor, "deactivate an account")
    target = await _people.teammate(session, actor, user_id)
    if target.id == actor.id:
        raise Conflict("You cannot deactivate your own account.")
    return await deactivate(session, target, actor_id=actor.id)


async def deactivate(session: AsyncSession, target: User, *, actor_id: str | None) -> User:
    """Deactivate `target` (found and locked by the caller) and end every session of theirs."""
    if not target.active:
        return target
    await _people.keep_an_admin(session, target)
    target.active = False
    revoked = await end_sessions(session, target)
    await audit.record(
        session,
        actor_id=actor_id,
        action="user.deactivated",
        subject=target.id,
        data={"email": target.email, "revoked_tokens": len(revoked)},
    )
    return target


async def reactivate_user(session: AsyncSession, actor: User, user_id: str) -> User:
    """An admin lets a deactivated teammate sign in again (their old sessions stay ended)."""
    _people.require_admin(actor, "reactivate an account")
    return await reactivate(session, await _people.teammate(session, actor, user_id), actor_id=actor.id)


async def reactivate(session: AsyncSession, target: User, *, actor_id: str | None) -> User:
    if target.active:
        return target
    target.active = True
    await audit.record(
        session, actor_id=actor_id, action="user.reactivated", subject=target.id, data={"email": target.email}
    )
    return target
