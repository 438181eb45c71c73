"""Download tickets: the holder of a live grant trades their bearer token for a one-time link to the content.

A browser streams a file to disk only when it follows a link to it, and a link carries no `Authorization`
header; the bearer token must never ride in a URL (proxies and histories log URLs). So the client asks for
a ticket (`issue`, which checks the grant first and names what is missing) and the browser follows
`/materials/{id}/content?ticket=…`: the ticket opens one read of one material, within
`TICKET_TTL`, and only while the token that minted it is valid. The read itself is counted and audited
like any other (downloads.py): a ticket adds a way in, not a way around the grant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.accounts import tokens
from server.domain.errors import Unauthenticated
from server.domain.material_access import downloads
from server.infra import auth
from server.models import AuthToken, DownloadTicket, User
from server.models.base import utcnow

TICKET_TTL: Final = timedelta(seconds=60)

_TOKEN_AND_OWNER = tokens.with_token_owner(select(AuthToken.id, User).select_from(User))
_REDEEM = (
    delete(DownloadTicket)
    .where(DownloadTicket.ticket_hash == bindparam("ticket_hash"))
    .returning(DownloadTicket.token_id, DownloadTicket.material_id, DownloadTicket.expires_at)
)


@dataclass(frozen=True, slots=True)
class Ticket:
    ticket: str
    expires_at: datetime


def link(material_id: str, ticket: str) -> str:
    """Where the browser goes with a ticket."""
    return f"/materials/{material_id}/content?ticket={ticket}"


async def issue(
    session: AsyncSession, token: str, material_id: str, idle: timedelta = tokens.DEFAULT_IDLE
) -> Ticket:
    """A ticket to read `material_id` once: UNAUTHENTICATED without a valid token, NOT_FOUND for a material
    the caller may not see, NO_GRANT (naming what is missing) without a grant a whole read can go under."""
    row = (await session.execute(_TOKEN_AND_OWNER, tokens.token_params(token, idle))).first()
    if row is None:
        raise Unauthenticated("Sign in first: the request has no valid token.")
    token_id, user = row
    await downloads.readable(session, user, material_id, ranged=False)
    now = utcnow()
    # Tickets nobody used are of no use after they expire; whoever mints next sweeps them.
    await session.execute(delete(DownloadTicket).where(DownloadTicket.expires_at <= now))
    ticket = auth.new_token()
    expires_at = now + TICKET_TTL
    session.add(
        DownloadTicket(
            ticket_hash=auth.token_digest(ticket),
            token_id=token_id,
            material_id=material_id,
            expires_at=expires_at,
        )
    )
    await session.flush()
    return Ticket(ticket, expires_at)


async def redeem(
    session: AsyncSession, ticket: str, material_id: str, idle: timedelta = tokens.DEFAULT_IDLE
) -> User:
    """Use up `ticket` for one read of `material_id` and return who minted it; UNAUTHENTICATED when it is
    unknown, used, expired, for another material, or its token is no longer valid. The ticket is deleted
    by the statement that reads it, so of two requests presenting it at once only one gets its row."""
    now = utcnow()
    row = (await session.execute(_REDEEM, {"ticket_hash": auth.token_digest(ticket)})).first()
    if row is None:
        raise Unauthenticated("This download link is unknown or was used already; ask for a new one.")
    token_id, ticket_material, expires_at = row
    if expires_at <= now or ticket_material != material_id:
        raise Unauthenticated("This download link has expired or is for another material.")
    user = await tokens.owner_by_id(session, token_id, idle)
    if user is None:
        raise Unauthenticated("The sign-in behind this download link has ended; sign in again.")
    await tokens.touch(session, [token_id])
    return user
