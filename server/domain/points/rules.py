"""The rules tables, one per team: what each earning action is worth, and the caps per person."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.errors import BadInput, NotFound
from server.domain.points.access import require_hr, require_team
from server.domain.points.changes import KEEP, Keep
from server.models import EARNING_ACTIONS, PointAction, PointRule, User
from server.models.base import utcnow

MAX_POINTS = 10_000
MAX_CAP = 1_000_000


@dataclass(frozen=True)
class Default:
    points: int
    daily_cap: int | None
    monthly_cap: int | None


# What a new team starts with (migrations 0010 and 0022 gave existing teams the same).
# Caps are points per person per UTC day / UTC calendar month. Adoptions and orders are granted by
# someone else, so two colleagues could farm them for each other without caps.
DEFAULT_RULES: dict[PointAction, Default] = {
    PointAction.PAIN_POINT_ACCEPTED: Default(5, 50, 500),
    PointAction.PAIN_POINT_ADOPTED: Default(15, 60, 300),
    PointAction.ORDER_WON: Default(30, 300, 1500),
    PointAction.COMMENT_RESOLVED: Default(2, 10, 100),
    PointAction.SNAPSHOT_NAMED: Default(1, 3, 30),
    # Another person's decision, and a cheap one: capped so two colleagues cannot farm each other.
    PointAction.ASSET_REUSED: Default(3, 30, 300),
    PointAction.ASSET_SUBSCRIBED: Default(1, 10, 100),
}


@dataclass(frozen=True)
class RuleChange:
    """What to change in a rule; a cap of None removes that cap."""

    points: int | Keep = KEEP
    daily_cap: int | Keep | None = KEEP
    active: bool | Keep = KEEP
    monthly_cap: int | Keep | None = KEEP


async def seed_team_rules(session: AsyncSession, team_id: str) -> None:
    """Give a new team the default rules (a team's rules are its own from then on)."""
    found = await session.scalars(select(PointRule.action).where(PointRule.team_id == team_id))
    existing = set(found.all())
    now = utcnow()
    session.add_all(
        PointRule(
            team_id=team_id,
            action=action,
            points=default.points,
            daily_cap=default.daily_cap,
            monthly_cap=default.monthly_cap,
            active=True,
            updated_at=now,
        )
        for action, default in DEFAULT_RULES.items()
        if action not in existing
    )
    await session.flush()


async def list_rules(session: AsyncSession, team_id: str) -> list[PointRule]:
    """A team's rules, in the order of the earning actions."""
    found = await session.scalars(select(PointRule).where(PointRule.team_id == team_id))
    rules = {rule.action: rule for rule in found.all()}
    return [rules[action] for action in EARNING_ACTIONS if action in rules]


async def rules_of(session: AsyncSession, viewer: User) -> list[PointRule]:
    """The rules of the viewer's team."""
    return await list_rules(session, require_team(viewer))


def _snapshot(rule: PointRule) -> dict[str, object]:
    return {
        "points": rule.points,
        "daily_cap": rule.daily_cap,
        "monthly_cap": rule.monthly_cap,
        "active": rule.active,
    }


def _pick(value: int | Keep | None, current: int | None) -> int | None:
    return current if isinstance(value, Keep) else value


def _check(points: int, daily: int | None, monthly: int | None) -> None:
    if not 0 <= points <= MAX_POINTS:
        raise BadInput(f"Points must be between 0 and {MAX_POINTS}.")
    if daily is not None and not points <= daily <= MAX_CAP:
        raise BadInput(f"The daily cap must be between the points of one award ({points}) and {MAX_CAP}.")
    low = max(points, daily or 0)
    if monthly is not None and not low <= monthly <= MAX_CAP:
        raise BadInput(f"The monthly cap must be between {low} (one award, and the daily cap) and {MAX_CAP}.")


async def update_rule(
    session: AsyncSession, actor: User, action: PointAction, change: RuleChange
) -> PointRule:
    """Change a rule of the actor's team (HR or admin); the values before and after go to the audit log."""
    require_hr(actor, "change the points rules")
    team_id = require_team(actor)
    if not action.is_earning:
        raise BadInput(f"{action.name} is not priced by a rule.")
    rule = await session.scalar(
        select(PointRule)
        .where(PointRule.team_id == team_id, PointRule.action == action)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if rule is None:
        raise NotFound(f"Your team has no rule for {action.name}.")
    before = _snapshot(rule)
    points = rule.points if isinstance(change.points, Keep) else change.points
    daily = _pick(change.daily_cap, rule.daily_cap)
    monthly = _pick(change.monthly_cap, rule.monthly_cap)
    _check(points, daily, monthly)
    rule.points = points
    rule.daily_cap = daily
    rule.monthly_cap = monthly
    if not isinstance(change.active, Keep):
        rule.active = change.active
    rule.updated_at = utcnow()
    rule.updated_by = actor.id
    await session.flush()
    await audit.record(
        session,
        actor_id=actor.id,
        action="points.rule_updated",
        subject=f"{team_id}:{action.name}",
        data={"team_id": team_id, "before": before, "after": _snapshot(rule)},
    )
    return rule
