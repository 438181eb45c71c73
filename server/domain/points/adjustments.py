"""Manual corrections by HR: a signed entry with a reason, audited, never below zero; above the approval
threshold a request for a second HR person instead (adjustment_requests)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.domain.points import events, ledger
from server.domain.points.access import require_hr, require_team
from server.domain.points.adjustment_requests import DEFAULT_APPROVAL_ABOVE, request_adjustment
from server.domain.points.changes import clean_text
from server.domain.points.ledger import Entry
from server.infra.ids import is_id, new_id
from server.models import AdjustmentRequest, PointAction, User

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


@dataclass(frozen=True)
class Adjustment:
    """What an adjustment did: an entry written at once, or a request waiting for a second approver."""

    entry: Entry | None = None
    request: AdjustmentRequest | None = None


async def adjust(
    session: AsyncSession,
    actor: User,
    *,
    user_id: str,
    delta: int,
    reason: str,
    idempotency_key: str | None = None,
    approval_above: int = DEFAULT_APPROVAL_ABOVE,
) -> Adjustment:
    """Add or take away a teammate's points (HR or admin); the reason goes to the ledger and the audit log.

    More than `approval_above` points either way only files a request that another HR person (not the
    person adjusted) must approve before the ledger is written.
    """
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
    if abs(delta) > approval_above:
        request = await request_adjustment(
            session, actor, target, delta=delta, reason=reason, request_key=key if client_key else None
        )
        return Adjustment(request=request)
    account = await ledger.lock_account(session, target.id)
    if client_key is not None:
        earlier = await ledger.entry_by_key(session, key)
        if earlier is not None:
            if (earlier.user_id, earlier.delta, earlier.note) != (target.id, delta, reason):
                raise Conflict("This idempotency key was already used for a different adjustment.")
            return Adjustment(entry=earlier)
        filed = select(AdjustmentRequest.id).where(AdjustmentRequest.request_key == key)
        if await session.scalar(filed) is not None:
            raise Conflict("This idempotency key was already used for a different adjustment.")
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
    await audit.record(
        session,
        actor_id=actor.id,
        action="points.adjusted",
        subject=target.id,
        data={"delta": delta, "reason": reason, "entry_id": entry.id, "balance": entry.balance_after},
    )
    return Adjustment(entry=entry)
