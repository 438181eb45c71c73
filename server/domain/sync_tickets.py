"""Sync tickets: a signed-in member trades their bearer token for a one-time pass to a case's live sync.

The sync socket's URL is logged by every proxy on the way, so it carries a ticket, never the token: a
ticket opens one connection to one case, within seconds, and only while the token that minted it is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.accounts import tokens
from server.domain.cases import actions as cases
from server.domain.errors import Forbidden, Unauthenticated
from server.infra import auth
from server.models import AuthToken, CaseMember, SyncTicket, User
from server.models.base import utcnow


@dataclass(frozen=True, slots=True)
class Ticket:
    ticket: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Admission:
    """Who a redeemed ticket lets in: the person, the token behind the ticket, and their membership."""

    user_id: str
    user_name: str
    token_id: str
    member: CaseMember


# Built once: every ticket starts with these.
_TOKEN_AND_OWNER = tokens.with_token_owner(select(AuthToken.id, User).select_from(User))
_REDEEM = (
    delete(SyncTicket)
    .where(SyncTicket.ticket_hash == bindparam("ticket_hash"))
    .returning(SyncTicket.token_id, SyncTicket.case_id, SyncTicket.expires_at)
)
_LIVE_TOKEN = (
    select(User.id, User.name)
    .join(AuthToken, AuthToken.user_id == User.id)
    .where(
        AuthToken.id == bindparam("token_id"),
        AuthToken.revoked_at.is_(None),
        AuthToken.expires_at > bindparam("now"),
        AuthToken.last_used_at > bindparam("idle_since"),
        User.active.is_(True),
    )
)


async def issue(
    session: AsyncSession, token: str, case_id: str, ttl: timedelta, idle: timedelta = tokens.DEFAULT_IDLE
) -> Ticket:
    """A new ticket to `case_id` for the owner of `token`: UNAUTHENTICATED without a valid token (`idle`:
    how long a token may go unused), NOT_FOUND unless they are a member of the case."""
    row = (await session.execute(_TOKEN_AND_OWNER, tokens.token_params(token, idle))).first()
    if row is None:
        raise Unauthenticated("Sign in first: the request has no valid token.")
    token_id, user = row
    await cases.require_member(session, case_id, user)
    now = utcnow()
    # Tickets nobody used are of no use after they expire; whoever mints next sweeps them.
    await session.execute(delete(SyncTicket).where(SyncTicket.expires_at <= now))
    ticket = auth.new_token()
    expires_at = now + ttl
    session.add(
        SyncTicket(
            ticket_hash=auth.token_digest(ticket), token_id=token_id, case_id=case_id, expires_at=expires_at
        )
    )
    await session.flush()
    return Ticket(ticket, expires_at)


async def redeem(
    session: AsyncSession, ticket: str, case_id: str, idle: timedelta = tokens.DEFAULT_IDLE
) -> Admission:
    """Use up `ticket` to open `case_id`'s live sync; UNAUTHENTICATED when it is unknown, used, expired,
    for another case or its token is no longer valid (expired, revoked, unused for `idle`, account
    disabled), FORBIDDEN when the person left the case. Opening the connection is a use of the token.

    The ticket is deleted by the statement that reads it, so of two connections presenting it at once only
    one gets its row, on PostgreSQL and SQLite alike; a ticket tried anywhere is spent.
    """
    now = utcnow()
    row = (await session.execute(_REDEEM, {"ticket_hash": auth.token_digest(ticket)})).first()
    if row is None:
        raise Unauthenticated("unknown or used ticket")
    token_id, ticket_case, expires_at = row
    if expires_at <= now:
        raise Unauthenticated("expired ticket")
    if ticket_case != case_id:
        raise Unauthenticated("ticket for another case")
    person = (
        await session.execute(_LIVE_TOKEN, {"token_id": token_id, "now": now, "idle_since": now - idle})
    ).first()
    if person is None:
        raise Unauthenticated("the ticket's token is expired or revoked")
    user_id, name = person
    member = await cases.membership(session, case_id, user_id)
    if member is None:
        raise Forbidden("not a member of this case")
    await tokens.touch(session, [token_id])
    return Admission(user_id=user_id, user_name=name, token_id=token_id, member=member)
