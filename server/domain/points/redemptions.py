"""Redeeming points for rewards, and HR's queue: approve, reject (refund by reversal), fulfil. The person
who asked is notified of an approval or a rejection.

Locks are always taken in one order: the person's account, then the reward, then the redemption. Two
requests therefore never wait on each other in a circle, and the balance check,
the stock check, the debit and the stock decrement are one decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit, notifications
from server.domain.errors import (
    BadInput,
    Conflict,
    Forbidden,
    InDebt,
    InsufficientPoints,
    NotFound,
    OutOfStock,
)
from server.domain.pagination import Page, check_first, decode_cursor, encode_cursor
from server.domain.points import events, ledger
from server.domain.points.access import is_hr, require_hr, require_team
from server.domain.points.adjustments import request_key
from server.domain.points.changes import clean_text
from server.domain.points.ledger import Entry
from server.domain.points.rewards import lock_reward
from server.infra.ids import is_id, new_id
from server.models import NotificationKind, PointAction, Redemption, RedemptionStatus, Reward, User
from server.models.base import utcnow

MAX_REASON = 500


@dataclass(frozen=True)
class RedemptionView:
    """A redemption with its reward and the person who asked."""

    redemption: Redemption
    reward: Reward
    requester: User


@dataclass(frozen=True)
class Redeemed:
    view: RedemptionView
    hold: Entry | None  # None when an earlier request with the same idempotency key is returned


@dataclass(frozen=True)
class Rejected:
    view: RedemptionView
    refund: Entry


async def redeem(
    session: AsyncSession, user: User, *, reward_id: str, idempotency_key: str | None = None
) -> Redeemed:
    """Ask for a reward: its cost is debited at once (held until HR decides) and one item is reserved."""
    team_id = require_team(user)
    client_key = request_key(idempotency_key)
    account = await ledger.lock_account(session, user.id)
    if client_key is not None:
        earlier = await session.scalar(
            select(Redemption).where(Redemption.user_id == user.id, Redemption.request_key == client_key)
        )
        if earlier is not None:
            if earlier.reward_id != reward_id:
                raise Conflict("This idempotency key was already used to redeem another reward.")
            return Redeemed(await _view(session, earlier), None)
    reward = await lock_reward(session, reward_id, team_id)
    if not reward.active:
        raise Conflict(f"{reward.name} is no longer offered.")
    if account.balance < 0:
        raise InDebt(
            f"You owe {-account.balance} points (points you had spent were taken back), so nothing can be "
            "redeemed until your next awards repay them."
        )
    if account.balance < reward.cost:
        raise InsufficientPoints(
            f"{reward.name} costs {reward.cost} points and your balance is {account.balance}."
        )
    if reward.stock is not None and reward.stock < 1:
        raise OutOfStock(f"{reward.name} is out of stock.")
    redemption_id = new_id()
    hold = await ledger.append(
        session,
        account,
        delta=-reward.cost,
        action=PointAction.REDEMPTION,
        subject=f"redemption:{redemption_id}",
        key=f"REDEMPTION:{redemption_id}",
        actor_id=user.id,
        note=reward.name,
    )
    if reward.stock is not None:
        reward.stock -= 1
        events.reward_changed(session, reward)
    redemption = Redemption(
        id=redemption_id,
        user_id=user.id,
        team_id=team_id,
        reward_id=reward.id,
        cost=reward.cost,
        status=RedemptionStatus.REQUESTED,
        request_key=client_key,
        hold_entry_id=hold.id,
        created_at=hold.created_at,
    )
    session.add(redemption)
    await session.flush()
    events.redemption_changed(session, redemption, hold)
    await audit.record(
        session,
        actor_id=user.id,
        action="points.redemption_requested",
        subject=redemption.id,
        data={"user_id": user.id, "reward_id": reward.id, "cost": reward.cost, "hold_entry_id": hold.id},
    )
    return Redeemed(RedemptionView(redemption, reward, user), hold)


async def _view(session: AsyncSession, redemption: Redemption) -> RedemptionView:
    reward = await session.get_one(Reward, redemption.reward_id)
    requester = await session.get_one(User, redemption.user_id)
    return RedemptionView(redemption, reward, requester)


async def _for_decision(session: AsyncSession, actor: User, redemption_id: str, doing: str) -> Redemption:
    require_hr(actor, f"{doing} redemptions")
    team_id = require_team(actor)
    redemption = await session.get(Redemption, redemption_id) if is_id(redemption_id) else None
    if redemption is None or redemption.team_id != team_id:
        raise NotFound(f"No redemption with id {redemption_id} is in your team.")
    if redemption.user_id == actor.id:
        raise Forbidden(f"You cannot {doing} your own redemption; another HR person decides it.")
    return redemption


async def _move(
    session: AsyncSession,
    actor: User,
    redemption: Redemption,
    *,
    to: RedemptionStatus,
    allowed_from: RedemptionStatus,
) -> RedemptionView:
    now = utcnow()
    values: dict[str, object] = {"status": to}
    if to is RedemptionStatus.FULFILLED:
        values.update(fulfilled_at=now, fulfilled_by=actor.id)
    else:
        values.update(decided_at=now, decided_by=actor.id)
    # Conditional on the current status, so two HR people deciding at once cannot both win.
    result = await session.execute(
        update(Redemption)
        .where(Redemption.id == redemption.id, Redemption.status == allowed_from)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(redemption)
    if getattr(result, "rowcount", 0) != 1:
        raise Conflict(
            f"Only a {allowed_from.value} redemption can be {to.value}; "
            f"this one is {redemption.status.value}."
        )
    events.redemption_changed(session, redemption)
    if to is RedemptionStatus.APPROVED:
        await _tell_requester(session, actor, redemption)
    await audit.record(
        session,
        actor_id=actor.id,
        action=f"points.redemption_{to.value}",
        subject=redemption.id,
        data={"user_id": redemption.user_id, "reward_id": redemption.reward_id, "cost": redemption.cost},
    )
    return await _view(session, redemption)


async def _tell_requester(session: AsyncSession, actor: User, redemption: Redemption) -> None:
    """The person who asked hears HR's decision (its reason is on the redemption)."""
    created = await notifications.notify(
        session,
        [redemption.user_id],
        kind=NotificationKind.REDEMPTION_DECIDED,
        actor_id=actor.id,
        redemption_id=redemption.id,
        redemption_decision=redemption.status,
    )
    notifications.announce(session, created)


async def approve(session: AsyncSession, actor: User, redemption_id: str) -> RedemptionView:
    """HR agrees to a requested redemption (the points stay debited)."""
    redemption = await _for_decision(session, actor, redemption_id, "approve")
    return await _move(
        session, actor, redemption, to=RedemptionStatus.APPROVED, allowed_from=RedemptionStatus.REQUESTED
    )


async def fulfil(session: AsyncSession, actor: User, redemption_id: str) -> RedemptionView:
    """HR has handed over an approved reward."""
    redemption = await _for_decision(session, actor, redemption_id, "fulfil")
    return await _move(
        session, actor, redemption, to=RedemptionStatus.FULFILLED, allowed_from=RedemptionStatus.APPROVED
    )


async def reject(session: AsyncSession, actor: User, redemption_id: str, reason: str) -> Rejected:
    """HR refuses a requested or approved redemption: the hold is reversed and the item goes back."""
    redemption = await _for_decision(session, actor, redemption_id, "reject")
    reason = clean_text(reason, limit=MAX_REASON)
    if not reason:
        raise BadInput("Say why the redemption is rejected: the person sees the reason.")
    account = await ledger.lock_account(session, redemption.user_id)
    reward = await lock_reward(session, redemption.reward_id, redemption.team_id)
    locked = await session.scalar(
        select(Redemption)
        .where(Redemption.id == redemption.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert locked is not None
    if locked.status not in (RedemptionStatus.REQUESTED, RedemptionStatus.APPROVED):
        raise Conflict(
            f"Only a requested or approved redemption can be rejected; this one is {locked.status.value}."
        )
    assert locked.hold_entry_id is not None
    hold = await ledger.get_entry(session, locked.hold_entry_id)
    assert hold is not None
    refund = await ledger.reverse(
        session, account, hold, note=f"Redemption rejected: {reason}", actor_id=actor.id
    )
    if reward.stock is not None:
        reward.stock += 1
        events.reward_changed(session, reward)
    now = utcnow()
    locked.status = RedemptionStatus.REJECTED
    locked.reason = reason
    locked.decided_at = now
    locked.decided_by = actor.id
    locked.refund_entry_id = refund.id
    await session.flush()
    events.redemption_changed(session, locked, refund)
    await _tell_requester(session, actor, locked)
    await audit.record(
        session,
        actor_id=actor.id,
        action="points.redemption_rejected",
        subject=locked.id,
        data={"user_id": locked.user_id, "cost": locked.cost, "reason": reason, "refund_entry_id": refund.id},
    )
    return Rejected(await _view(session, locked), refund)


async def list_redemptions(
    session: AsyncSession,
    viewer: User,
    *,
    status: RedemptionStatus | None,
    mine: bool,
    first: int,
    after: str | None,
) -> Page[RedemptionView]:
    """HR sees the team's queue; everyone else (and HR with `mine`) sees their own. Newest first."""
    team_id = require_team(viewer)
    first = check_first(first)
    query = (
        select(Redemption, Reward, User)
        .join(Reward, Reward.id == Redemption.reward_id)
        .join(User, User.id == Redemption.user_id)
    )
    if is_hr(viewer) and not mine:
        query = query.where(Redemption.team_id == team_id)
    else:
        query = query.where(Redemption.user_id == viewer.id)
    if status is not None:
        query = query.where(Redemption.status == status)
    if after is not None:
        query = query.where(Redemption.id < decode_cursor(after))
    rows = (await session.execute(query.order_by(Redemption.id.desc()).limit(first + 1))).all()
    items = [RedemptionView(redemption, reward, user) for redemption, reward, user in rows[:first]]
    end = encode_cursor(items[-1].redemption.id) if items else None
    return Page(items=items, has_next=len(rows) > first, end_cursor=end)


async def get_redemption(session: AsyncSession, viewer: User, redemption_id: str) -> RedemptionView:
    """One redemption: your own, or any of your team's if you are HR."""
    team_id = require_team(viewer)
    redemption = await session.get(Redemption, redemption_id) if is_id(redemption_id) else None
    visible = redemption is not None and (
        redemption.user_id == viewer.id or (is_hr(viewer) and redemption.team_id == team_id)
    )
    if redemption is None or not visible:
        raise NotFound(f"No redemption with id {redemption_id} is visible to you.")
    return await _view(session, redemption)


async def mine_by_ids(session: AsyncSession, viewer: User, ids: list[str]) -> dict[str, RedemptionView]:
    """Those of `ids` that are the viewer's own redemptions (what their notifications are about)."""
    if not ids:
        return {}
    rows = await session.execute(
        select(Redemption, Reward)
        .join(Reward, Reward.id == Redemption.reward_id)
        .where(Redemption.id.in_(ids), Redemption.user_id == viewer.id)
    )
    return {redemption.id: RedemptionView(redemption, reward, viewer) for redemption, reward in rows.all()}
