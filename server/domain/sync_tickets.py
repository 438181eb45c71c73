"""Sync tickets: a signed-in member trades their bearer token for a one-time pass to a case's live sync.

The sync socket's URL is logged by every proxy on the way, so it carries a ticket, never the token: a
ticket opens one connection to one case, within seconds, and only while the token that minted it is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.access import cases as access_cases
from server.domain.accounts import tokens
from server.domain.cases import actions as cases
from server.domain.errors import Forbidden, Unauthenticated
from server.infra import auth
from server.models import AuthToken, Case, CaseMember, SyncTicket, User
from server.models.base import utcnow


class MaskedByPolicy(Forbidden):
    """The only policies that open the case show its customer masked: the live document (which holds the
    name as written) is not served; the reader reads the redacted copy (`Case.maskedDocument`)."""

    def __init__(self, policy_names: list[str]) -> None:
        names = ", ".join(policy_names)
        super().__init__(f"customer details masked by policy {names}: read the masked copy")
        self.policy_names = policy_names


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
    via_policy: bool = False
    """Let in by a visibility policy (read-only), not a membership: rechecked while connected."""


# Built once: every ticket starts with these.
_TOKEN_AND_OWNER = tokens.with_token_owner(select(AuthToken.id, User).select_from(User))
_REDEEM = (
    delete(SyncTicket)
    .where(SyncTicket.ticket_hash == bindparam("ticket_hash"))
    .returning(SyncTicket.token_id, SyncTicket.case_id, SyncTicket.expires_at)
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
    disabled), FORBIDDEN when the person left the case (or the policy that opened it no longer applies),
    MaskedByPolicy (a FORBIDDEN) when only policies that mask the customer open it.
    Opening the connection is a use of the token.

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
    person = await tokens.owner_by_id(session, token_id, idle)
    if person is None:
        raise Unauthenticated("the ticket's token is expired or revoked")
    member = await cases.membership(session, case_id, person.id)
    via_policy = member is None
    if member is None:
        # Not a member: a visibility policy may still open the case, read-only.
        member = await cases.case_role(session, case_id, person)
    if member is None:
        raise Forbidden("not a member of this case")
    if via_policy:
        case = await session.get_one(Case, case_id)
        masking = await access_cases.masked_by(session, case, person)
        if masking:
            raise MaskedByPolicy([grant.name for grant in masking])
    await tokens.touch(session, [token_id])
    return Admission(
        user_id=person.id, user_name=person.name, token_id=token_id, member=member, via_policy=via_policy
    )


async def still_opens(session: AsyncSession, case_id: str, user_id: str) -> bool:
    """Whether the person may still open the case (a membership, or a policy that still applies)."""
    user = await session.get(User, user_id)
    return user is not None and user.active and await cases.case_role(session, case_id, user) is not None
