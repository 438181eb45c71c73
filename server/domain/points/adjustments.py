"""Manual corrections by HR: a signed entry with a reason, audited, never below zero."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.domain.points import events, ledger
from server.domain.points.access import require_hr, require_team
from server.domain.points.changes import clean_text
from server.domain.points.ledger import Entry
from server.infra.ids import is_id, new_id
from server.models import PointAction, User

MAX_ADJUSTMENT = 100_000
MAX_REASON = 500
MAX_REQUEST_KEY = 100


def request_key(value: str | None) -> str | None:
    """A client's idempotency key, checked: the same key repeats a request instead of doubling it."""
    if value is None:
        return None
    if not 0 < len(value) <= MAX_REQUEST_KEY or not value.isprintable():
        raise BadInput(f"An idempotency key is 1 to {MAX_REQUEST_KEY} printable characters.")
    return value


async def adjust(
    session: AsyncSession,
    actor: User,
    *,
    user_id: str,
    delta: int,
    reason: str,
    idempotency_key: str | None = None,
) -> Entry:
    """Add or take away a teammate's points (HR or admin); the reason goes to the ledger and the audit log."""
    require_hr(actor, "adjust points")
    team_id = require_team(actor)
    if user_id == actor.id:
        raise Forbidden("You cannot adjust your own points; ask another HR person.")
    if delta == 0 or abs(delta) > MAX_ADJUSTMENT:
        raise BadInput(f"An adjustment is a non-zero number of points up to {MAX_ADJUSTMENT} either way.")
    reason = clean_text(reason, limit=MAX_REASON)
    if not reason:
        raise BadInput("Say why the points are adjusted: the reason is shown to the person and audited.")
    client_key = request_key(idempotency_key)
    target = await session.get(User, user_id) if is_id(user_id) else None
    if target is None or target.team_id != team_id:
        raise NotFound(f"No user with id {user_id} is in your team.")
    key = f"ADJUSTMENT:{actor.id}:{client_key}" if client_key else f"ADJUSTMENT:{new_id()}"
    account = await ledger.lock_account(session, target.id)
    if client_key is not None:
        earlier = await ledger.entry_by_key(session, key)
        if earlier is not None:
            if (earlier.user_id, earlier.delta, earlier.note) != (target.id, delta, reason):
                raise Conflict("This idempotency key was already used for a different adjustment.")
            return earlier
    entry = await ledger.append(
        session,
        account,
        delta=delta,
        action=PointAction.ADJUSTMENT,
        subject=f"user:{target.id}",
        key=key,
        actor_id=actor.id,
        note=reason,
    )
    events.entries_written(session, [entry])
    # Last: the audit append holds the chain's lock until the commit.
    await audit.record(
        session,
        actor_id=actor.id,
        action="points.adjusted",
        subject=target.id,
        data={"delta": delta, "reason": reason, "entry_id": entry.id, "balance": entry.balance_after},
    )
    return entry
