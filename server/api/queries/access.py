"""Regions and visibility policies."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.access import EffectiveAccess, VisibilityPolicy
from server.domain.access import effective, policies, regions


@strawberry.type
class AccessQueries:
    @strawberry.field(description="Your team's regions, in the admin's order.")
    async def team_regions(self, info: Info) -> list[str]:
        user = await info.context.user()
        async with info.context.read() as session:
            return await regions.team_regions(session, user.team_id)

    @strawberry.field(description="Every visibility policy of your team, current or not (admin).")
    async def visibility_policies(self, info: Info) -> list[VisibilityPolicy]:
        actor = await info.context.user()
        async with info.context.read() as session:
            return [VisibilityPolicy.of(p) for p in await policies.team_policies(session, actor)]

    @strawberry.field(
        description="What you may see now and why: your case memberships and the policies that apply to you."
    )
    async def my_access(self, info: Info) -> EffectiveAccess:
        user = await info.context.user()
        async with info.context.read() as session:
            access = await effective.access_of(session, user)
            mine = await effective.memberships(session, user.id)
        return EffectiveAccess.of(user, access, mine)

    @strawberry.field(description="What a teammate may see now and why (admin).")
    async def effective_access(self, info: Info, user_id: strawberry.ID) -> EffectiveAccess:
        actor = await info.context.user()
        async with info.context.read() as session:
            target, access = await effective.effective_access(session, actor, str(user_id))
            theirs = await effective.memberships(session, target.id)
        return EffectiveAccess.of(target, access, theirs)
