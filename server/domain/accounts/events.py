"""What every server hears when sign-in tokens are revoked: their live connections close at once."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import outbox
from server.infra import topics

TOKEN_IDS = "tokenIds"


def tokens_revoked(session: AsyncSession, token_ids: Sequence[str]) -> None:
    """Announce, after the commit, that these tokens were revoked (written in the revoking transaction)."""
    if token_ids:
        outbox.event(session, topics.sessions_revoked(), {TOKEN_IDS: list(token_ids)})
