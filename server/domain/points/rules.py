"""The rules table: how many points each earning action is worth, and the daily cap per person."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.errors import BadInput, NotFound
from server.domain.points.access import require_hr
from server.domain.points.changes import KEEP, Keep
from server.models import EARNING_ACTIONS, PointAction, PointRule, User
from server.models.base import utcnow

MAX_POINTS = 10_000
MAX_CAP = 1_000_000


@dataclass(frozen=True)
class RuleChange:
    """What to change in a rule; `daily_cap=None` removes the cap."""

    points: int | Keep = KEEP
    daily_cap: int | Keep | None = KEEP
    active: bool | Keep = KEEP


async def list_rules(session: AsyncSession) -> list[PointRule]:
    """Every rule, in the order of the earning actions."""
    rules = {rule.action: rule for rule in (await session.scalars(select(PointRule))).all()}
    return [rules[action] for action in EARNING_ACTIONS if action in rules]


def _snapshot(rule: PointRule) -> dict[str, object]:
    return {"points": rule.points, "daily_cap": rule.daily_cap, "active": rule.active}


async def update_rule(
    session: AsyncSession, actor: User, action: PointAction, change: RuleChange
) -> PointRule:
    """Change a rule (HR or admin); the change and the values before it go to the audit log."""
    require_hr(actor, "change the points rules")
    if not action.is_earning:
        raise BadInput(f"{action.name} is not priced by a rule.")
    rule = await session.scalar(
        select(PointRule)
        .where(PointRule.action == action)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if rule is None:
        raise NotFound(f"There is no rule for {action.name}.")
    before = _snapshot(rule)
    points = rule.points if isinstance(change.points, Keep) else change.points
    cap = rule.daily_cap if isinstance(change.daily_cap, Keep) else change.daily_cap
    if not 0 <= points <= MAX_POINTS:
        raise BadInput(f"Points must be between 0 and {MAX_POINTS}.")
    if cap is not None and not points <= cap <= MAX_CAP:
        raise BadInput(f"The daily cap must be between the points of one award ({points}) and {MAX_CAP}.")
    rule.points = points
    rule.daily_cap = cap
    if not isinstance(change.active, Keep):
        rule.active = change.active
    rule.updated_at = utcnow()
    rule.updated_by = actor.id
    await session.flush()
    await audit.record(
        session,
        actor_id=actor.id,
        action="points.rule_updated",
        subject=action.name,
        data={"before": before, "after": _snapshot(rule)},
    )
    return rule
