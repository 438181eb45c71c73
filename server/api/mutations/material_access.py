"""Opening raw material by two-person approval: ask, authorize (for the customer), approve (legal), reject,
revoke."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.material_access import MaterialAccessRequest, MaterialGrant, grant_views, request_views
from server.domain.material_access import grants, requests


@strawberry.type
class MaterialAccessMutations:
    @strawberry.mutation(
        description="Ask to open a material's content (any member of its case), saying why. The owners of "
        "the case and legal are notified; CONFLICT while you have a pending request for it."
    )
    async def request_material_access(
        self, info: Info, material_id: strawberry.ID, reason: str
    ) -> MaterialAccessRequest:
        user = await info.context.user()
        async with info.context.command() as session:
            request = await requests.request_access(session, user, str(material_id), reason)
        return (await request_views(info, [request]))[0]

    @strawberry.mutation(
        description="Record how the customer agreed (an owner of the case): an e-mail reference, a signed "
        "form's material id, ... SEPARATION_OF_DUTIES for the requester and for legal's approver."
    )
    async def record_customer_authorization(
        self, info: Info, request_id: strawberry.ID, evidence: str
    ) -> MaterialAccessRequest:
        user = await info.context.user()
        async with info.context.command() as session:
            step = await requests.authorize(session, user, str(request_id), evidence)
        return (await request_views(info, [step.request]))[0]

    @strawberry.mutation(
        description="Legal's approval (a legal person of the case's team), with the grant's limits: `hours` "
        "1-168, `downloads` 1-20. SEPARATION_OF_DUTIES for the requester and for whoever recorded the "
        "customer's authorization. Once both approvals are in, the requester holds the grant."
    )
    async def approve_material_access(
        self,
        info: Info,
        request_id: strawberry.ID,
        hours: int = requests.DEFAULT_HOURS,
        downloads: int = requests.DEFAULT_DOWNLOADS,
    ) -> MaterialAccessRequest:
        user = await info.context.user()
        async with info.context.command() as session:
            step = await requests.approve(session, user, str(request_id), hours=hours, downloads=downloads)
        return (await request_views(info, [step.request]))[0]

    @strawberry.mutation(
        description="Turn a pending request down, saying why (an owner of the case or legal)."
    )
    async def reject_material_access(
        self, info: Info, request_id: strawberry.ID, reason: str
    ) -> MaterialAccessRequest:
        user = await info.context.user()
        async with info.context.command() as session:
            step = await requests.reject(session, user, str(request_id), reason)
        return (await request_views(info, [step.request]))[0]

    @strawberry.mutation(
        description="End a grant at once (an owner of the case or legal): the next download answers 403, and "
        "one under way stops within a second."
    )
    async def revoke_material_access(self, info: Info, grant_id: strawberry.ID) -> MaterialGrant:
        user = await info.context.user()
        async with info.context.command() as session:
            grant = await grants.revoke(session, user, str(grant_id))
        return (await grant_views(info, [grant]))[0]
