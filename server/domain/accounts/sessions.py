"""Ending a person's sessions: every sign-in token of theirs at once."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.accounts import events, tokens
from server.models import User


async def end_sessions(session: AsyncSession, user: User, *, keep: str | None = None) -> list[str]:
    """Revoke the user's tokens (all but `keep`, a token id) and announce it; the ids revoked."""
    revoked = await tokens.revoke_all(session, user.id, keep=keep)
    events.tokens_revoked(session, revoked)
    return revoked


async def sign_out_everywhere(session: AsyncSession, user: User, *, actor_id: str | None) -> int:
    """Revoke every token of `user`, the one in use included; how many were live."""
    revoked = await end_sessions(session, user)
    await audit.record(
        session,
        actor_id=actor_id,
        action="user.signed_out_everywhere",
        subject=user.id,
        data={"revoked_tokens": len(revoked)},
    )
    return len(revoked)
