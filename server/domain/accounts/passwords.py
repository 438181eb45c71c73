"""Changing a password: by its owner (who proves the current one) or by an operator."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit, users
from server.domain.accounts import _people
from server.domain.accounts.sessions import end_sessions
from server.domain.errors import BadInput, Unauthenticated
from server.domain.signin import WrongCurrentPassword
from server.infra import auth
from server.models import User


async def change_password(
    session: AsyncSession, user_id: str, *, token_id: str, current: str, new: str
) -> int:
    """Check `current`, set `new` (the rules of new accounts) and sign out every other session; the
    session of `token_id` (the one asking) stays. How many sessions were signed out. Run it inside
    `SignIn.proving`, which throttles and audits the check of `current`."""
    user = await session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None or not user.active:
        raise Unauthenticated("This account is disabled.")
    if not await auth.verify_password_async(user.password_hash, current):
        raise WrongCurrentPassword()
    users.check_password(new)
    if new == current:
        raise BadInput("The new password must differ from the current one.")
    user.password_hash = await auth.hash_password_async(new)
    revoked = await end_sessions(session, user, keep=token_id)
    await audit.record(
        session,
        actor_id=user.id,
        action="user.password_changed",
        subject=user.id,
        data={"by": "self", "revoked_tokens": len(revoked)},
    )
    return len(revoked)


async def set_password(session: AsyncSession, email: str, new: str) -> User:
    """An operator sets someone's password (`python -m server users set-password`); every session of
    theirs ends."""
    users.check_password(new)
    user = await _people.by_email(session, email)
    user.password_hash = await auth.hash_password_async(new)
    revoked = await end_sessions(session, user)
    await audit.record(
        session,
        actor_id=None,
        action="user.password_changed",
        subject=user.id,
        data={"by": "operator", "revoked_tokens": len(revoked)},
    )
    return user
