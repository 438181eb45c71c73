"""The team's visibility policies: an admin creates, changes and deletes them, each change audited with
the policy before and after."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.accounts import _people
from server.domain.errors import BadInput, NotFound
from server.infra.ids import is_id
from server.models import AccessView, CaseAccess, PolicyScope, User, UserRole, VisibilityPolicy
from server.models.base import utcnow

MAX_NAME = 200
MAX_AGE_DAYS = 36500


@dataclass(frozen=True)
class PolicyInput:
    """What an admin writes; `update` replaces every field."""

    name: str
    scope: PolicyScope
    case_access: CaseAccess
    views: Sequence[AccessView]
    roles: Sequence[UserRole] = ()
    user_ids: Sequence[str] = ()
    max_age_days: int | None = None
    mask_customer_fields: bool = False
    valid_from: datetime | None = None
    valid_until: datetime | None = None


def snapshot(policy: VisibilityPolicy) -> dict[str, Any]:
    """A policy as the audit log keeps it (before and after a change)."""
    return {
        "name": policy.name,
        "roles": list(policy.roles),
        "user_ids": list(policy.user_ids),
        "scope": policy.scope.value,
        "case_access": policy.case_access.value,
        "max_age_days": policy.max_age_days,
        "mask_customer_fields": policy.mask_customer_fields,
        "views": list(policy.views),
        "valid_from": policy.valid_from.isoformat() if policy.valid_from else None,
        "valid_until": policy.valid_until.isoformat() if policy.valid_until else None,
    }


async def _checked(session: AsyncSession, actor: User, data: PolicyInput) -> dict[str, Any]:
    name = " ".join(data.name.split())
    if not name:
        raise BadInput("The policy needs a name.")
    if len(name) > MAX_NAME:
        raise BadInput(f"The policy name is longer than {MAX_NAME} characters.")
    roles = sorted({role.value for role in data.roles})
    user_ids = list(dict.fromkeys(data.user_ids))
    if not roles and not user_ids:
        raise BadInput("The policy applies to nobody: give it roles or people (appliesTo).")
    if user_ids:
        found = set(
            await session.scalars(
                select(User.id).where(
                    User.id.in_([u for u in user_ids if is_id(u)]), User.team_id == actor.team_id
                )
            )
        )
        missing = [u for u in user_ids if u not in found]
        if missing:
            raise NotFound(f"No user with id {missing[0]} is visible to you.")
    views = [view.value for view in AccessView if view in set(data.views)]
    if not views:
        raise BadInput("The policy opens no view: list at least one in views.")
    if data.max_age_days is not None and not 1 <= data.max_age_days <= MAX_AGE_DAYS:
        raise BadInput(f"maxAgeDays must be between 1 and {MAX_AGE_DAYS}, or left out for no limit.")
    if data.case_access is CaseAccess.VIEWER and data.scope is PolicyScope.MEMBER_CASES:
        raise BadInput(
            "caseAccess VIEWER opens cases one is not a member of: use REGION_CASES or TEAM_CASES."
        )
    # Opening cases and listing them are one thing: CASES in views if and only if caseAccess is VIEWER.
    if (AccessView.CASES.value in views) != (data.case_access is CaseAccess.VIEWER):
        raise BadInput(
            "The CASES view goes with caseAccess VIEWER (it opens cases read-only), and only with it."
        )
    for moment in (data.valid_from, data.valid_until):
        if moment is not None and moment.tzinfo is None:
            raise BadInput("validFrom and validUntil need a time zone (an ISO 8601 time with Z or +08:00).")
    if data.valid_from and data.valid_until and data.valid_until <= data.valid_from:
        raise BadInput("validUntil must come after validFrom.")
    return {
        "name": name,
        "roles": roles,
        "user_ids": user_ids,
        "scope": data.scope,
        "case_access": data.case_access,
        "max_age_days": data.max_age_days,
        "mask_customer_fields": data.mask_customer_fields,
        "views": views,
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
    }


async def create_policy(session: AsyncSession, actor: User, data: PolicyInput) -> VisibilityPolicy:
    """An admin adds a policy to their team."""
    _people.require_admin(actor, "change visibility policies")
    fields = await _checked(session, actor, data)
    if fields["valid_until"] is not None and fields["valid_until"] <= utcnow():
        raise BadInput("validUntil is already past: the policy would never apply.")
    assert actor.team_id is not None
    policy = VisibilityPolicy(team_id=actor.team_id, created_by=actor.id, **fields)
    session.add(policy)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor.id,
        action="policy.created",
        subject=policy.id,
        data={"before": None, "after": snapshot(policy)},
    )
    return policy


async def _owned(session: AsyncSession, actor: User, policy_id: str) -> VisibilityPolicy:
    policy = (
        await session.scalar(
            select(VisibilityPolicy).where(VisibilityPolicy.id == policy_id).with_for_update()
        )
        if is_id(policy_id)
        else None
    )
    if policy is None or policy.team_id != actor.team_id:
        raise NotFound(f"No visibility policy with id {policy_id} is visible to you.")
    return policy


async def update_policy(
    session: AsyncSession, actor: User, policy_id: str, data: PolicyInput
) -> VisibilityPolicy:
    """An admin rewrites a policy (every field); setting validUntil to now expires it."""
    _people.require_admin(actor, "change visibility policies")
    policy = await _owned(session, actor, policy_id)
    fields = await _checked(session, actor, data)
    before = snapshot(policy)
    for name, value in fields.items():
        setattr(policy, name, value)
    after = snapshot(policy)
    if after == before:
        return policy
    policy.updated_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        actor_id=actor.id,
        action="policy.updated",
        subject=policy.id,
        data={"before": before, "after": after},
    )
    return policy


async def delete_policy(session: AsyncSession, actor: User, policy_id: str) -> str:
    """An admin removes a policy; the audit log keeps what it was."""
    _people.require_admin(actor, "change visibility policies")
    policy = await _owned(session, actor, policy_id)
    before = snapshot(policy)
    await session.delete(policy)
    await session.flush()
    await audit.record(
        session,
        actor_id=actor.id,
        action="policy.deleted",
        subject=policy_id,
        data={"before": before, "after": None},
    )
    return policy_id


async def team_policies(session: AsyncSession, actor: User) -> list[VisibilityPolicy]:
    """Every policy of the admin's team, current or not, oldest first."""
    _people.require_admin(actor, "read visibility policies")
    rows = await session.scalars(
        select(VisibilityPolicy)
        .where(VisibilityPolicy.team_id == actor.team_id)
        .order_by(VisibilityPolicy.created_at, VisibilityPolicy.id)
    )
    return list(rows)
