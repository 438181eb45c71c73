"""Regions and visibility policies (admins)."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.types.access import VisibilityPolicy, VisibilityPolicyInput
from server.domain.access import policies
from server.domain.access import regions as team_regions


def _policy_input(data: VisibilityPolicyInput) -> policies.PolicyInput:
    return policies.PolicyInput(
        name=data.name,
        roles=[models.UserRole(role) for role in data.applies_to.roles],
        user_ids=[str(u) for u in data.applies_to.user_ids],
        scope=models.PolicyScope(data.scope),
        case_access=models.CaseAccess(data.case_access),
        views=[models.AccessView(view) for view in data.views],
        max_age_days=data.max_age_days,
        mask_customer_fields=data.mask_customer_fields,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
    )


@strawberry.type
class AccessMutations:
    @strawberry.mutation(
        description="Set the team's regions (admin), in order; a region still used by a case or a person "
        "cannot be removed (CONFLICT). Returns the regions now."
    )
    async def set_team_regions(self, info: Info, regions: list[str]) -> list[str]:
        actor = await info.context.user()
        async with info.context.command() as session:
            return await team_regions.set_team_regions(session, actor, regions)

    @strawberry.mutation(
        description="Set the regions a teammate works in (admin), each one of the team's. Returns them."
    )
    async def set_user_regions(self, info: Info, user_id: strawberry.ID, regions: list[str]) -> list[str]:
        actor = await info.context.user()
        async with info.context.command() as session:
            target = await team_regions.set_user_regions(session, actor, str(user_id), regions)
            return list(target.regions)

    @strawberry.mutation(description="Add a visibility policy to your team (admin); audited.")
    async def create_visibility_policy(self, info: Info, input: VisibilityPolicyInput) -> VisibilityPolicy:
        actor = await info.context.user()
        async with info.context.command() as session:
            policy = await policies.create_policy(session, actor, _policy_input(input))
        return VisibilityPolicy.of(policy)

    @strawberry.mutation(
        description="Rewrite a visibility policy, every field (admin); a validUntil of now expires it. "
        "Audited with the policy before and after."
    )
    async def update_visibility_policy(
        self, info: Info, id: strawberry.ID, input: VisibilityPolicyInput
    ) -> VisibilityPolicy:
        actor = await info.context.user()
        async with info.context.command() as session:
            policy = await policies.update_policy(session, actor, str(id), _policy_input(input))
        return VisibilityPolicy.of(policy)

    @strawberry.mutation(description="Delete a visibility policy (admin); the audit log keeps what it was.")
    async def delete_visibility_policy(self, info: Info, id: strawberry.ID) -> strawberry.ID:
        actor = await info.context.user()
        async with info.context.command() as session:
            return strawberry.ID(await policies.delete_policy(session, actor, str(id)))
