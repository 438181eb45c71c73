"""A person's points as people see them: your own, or a teammate's if you are HR."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import Forbidden, NotFound
from server.domain.pagination import Page
from server.domain.points import caps, ledger, rules
from server.domain.points.access import is_hr
from server.domain.points.ledger import Entry
from server.models import PointAction, User


async def _require_visible(session: AsyncSession, viewer: User, user_id: str) -> User:
    if user_id == viewer.id:
        return viewer
    if not is_hr(viewer):
        raise Forbidden("Only the person and HR see someone's points.")
    target = await session.get(User, user_id)
    if target is None or target.team_id != viewer.team_id:
        raise NotFound(f"No user with id {user_id} is in your team.")
    return target


@dataclass(frozen=True)
class CapUse:
    """How much of one rule's caps a person has used today and this month (UTC)."""

    action: PointAction
    points: int
    daily_cap: int | None
    monthly_cap: int | None
    earned_today: int
    earned_this_month: int

    @property
    def reached(self) -> bool:
        """True when the next award of this action earns less than the rule's points."""
        used = caps.Earned(self.earned_today, self.earned_this_month)
        return caps.allowance(self, used)[0] < self.points


@dataclass(frozen=True)
class Wallet:
    balance: int  # negative while in debt
    caps: list[CapUse]

    @property
    def debt(self) -> int:
        return max(0, -self.balance)


async def wallet(session: AsyncSession, viewer: User, user_id: str) -> Wallet:
    """A person's balance, debt and use of their team's caps, if the viewer may see them."""
    owner = await _require_visible(session, viewer, user_id)
    found = await rules.list_rules(session, owner.team_id) if owner.team_id else []
    capped = [rule for rule in found if caps.is_capped(rule)]
    used = await caps.earned(session, {(user_id, rule.action) for rule in capped})
    return Wallet(
        balance=await ledger.balance_of(session, user_id),
        caps=[
            CapUse(
                action=rule.action,
                points=rule.points,
                daily_cap=rule.daily_cap,
                monthly_cap=rule.monthly_cap,
                earned_today=used[(user_id, rule.action)].today,
                earned_this_month=used[(user_id, rule.action)].month,
            )
            for rule in capped
        ],
    )


async def balance(session: AsyncSession, viewer: User, user_id: str) -> int:
    """The balance of `user_id`, if the viewer may see it."""
    await _require_visible(session, viewer, user_id)
    return await ledger.balance_of(session, user_id)


async def entries(
    session: AsyncSession, viewer: User, user_id: str, *, first: int, after: str | None
) -> Page[Entry]:
    """The ledger of `user_id`, newest first, if the viewer may see it."""
    await _require_visible(session, viewer, user_id)
    return await ledger.entries_page(session, user_id, first=first, after=after)
