"""Changing the points rules, and HR adjustments."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.types.approvals import PointAdjustment, PointAdjustmentRequest
from server.api.types.points import PointAction, PointRule, point_entries
from server.domain.points import adjustment_requests, adjustments, rules
from server.domain.points.changes import KEEP


@strawberry.input(description="Only the fields given change; dailyCap or monthlyCap null removes that cap.")
class UpdatePointRuleInput:
    points: int | None = strawberry.UNSET
    daily_cap: int | None = strawberry.UNSET
    monthly_cap: int | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


def _given(value: object) -> bool:
    return value is not strawberry.UNSET and value is not None


@strawberry.type
class PointsMutations:
    @strawberry.mutation(
        description="Change what an action is worth in your team, its daily or monthly cap per person, "
        "or whether it earns (HR, admin; other teams' rules are theirs)."
    )
    async def update_point_rule(
        self,
        info: Info,
        action: PointAction,  # type: ignore[valid-type]
        input: UpdatePointRuleInput,
    ) -> PointRule:
        actor = await info.context.user()
        change = rules.RuleChange(
            points=input.points if _given(input.points) else KEEP,  # type: ignore[arg-type]
            daily_cap=KEEP if input.daily_cap is strawberry.UNSET else input.daily_cap,
            monthly_cap=KEEP if input.monthly_cap is strawberry.UNSET else input.monthly_cap,
            active=input.active if _given(input.active) else KEEP,  # type: ignore[arg-type]
        )
        async with info.context.command() as session:
            rule = await rules.update_rule(session, actor, models.PointAction(action), change)
        return PointRule.of(rule)

    @strawberry.mutation(
        description="Add (positive delta) or take away points for a teammate, with a reason (HR, admin). "
        "Above the approval threshold (WARROOM_ADJUSTMENT_APPROVAL_ABOVE, 500 points either way by default) "
        "it only files a request another HR person must approve (approveAdjustment). A repeated "
        "idempotencyKey returns the first adjustment instead of making another."
    )
    async def adjust_points(
        self,
        info: Info,
        user_id: strawberry.ID,
        delta: int,
        reason: str,
        idempotency_key: str | None = None,
    ) -> PointAdjustment:
        actor = await info.context.user()
        async with info.context.command() as session:
            done = await adjustments.adjust(
                session,
                actor,
                user_id=str(user_id),
                delta=delta,
                reason=reason,
                idempotency_key=idempotency_key,
                approval_above=adjustment_requests.approval_above(info.context.settings),
            )
        if done.request is not None:
            return PointAdjustment(entry=None, request=PointAdjustmentRequest.of(done.request))
        assert done.entry is not None
        async with info.context.read() as session:
            return PointAdjustment(entry=(await point_entries(session, [done.entry]))[0], request=None)
