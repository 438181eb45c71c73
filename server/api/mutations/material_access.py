"""Opening raw material by two-person approval: ask, authorize (for the customer), approve (legal), reject,
revoke; a one-time link that streams the content to disk."""

from __future__ import annotations

from datetime import datetime

import strawberry

from server.api.context import Info
from server.api.types.material_access import MaterialAccessRequest, MaterialGrant, grant_views, request_views
from server.domain.accounts.tokens import idle_limit
from server.domain.material_access import grants, requests, tickets


@strawberry.type
class MaterialDownloadLink:
    url: str = strawberry.field(
        description="`/materials/{id}/content?ticket=…`: follow it (a plain link, no Authorization header) "
        "once, before `expiresAt`; the browser saves the file as it streams in."
    )
    expires_at: datetime


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

    @strawberry.mutation(
        description="A single-use link to a material's content for the holder of a live grant, valid for "
        "60 s and while your token is: what a browser follows to save a large file to disk as it streams. "
        "The read it opens is counted like any other. NO_GRANT (with `missing`) without a grant, NOT_FOUND "
        "for a material you may not see."
    )
    async def material_download_link(self, info: Info, material_id: strawberry.ID) -> MaterialDownloadLink:
        await info.context.user()
        token = info.context.token
        assert token is not None
        async with info.context.command() as session:
            issued = await tickets.issue(session, token, str(material_id), idle_limit(info.context.settings))
        url = tickets.link(str(material_id), issued.ticket)
        return MaterialDownloadLink(url=url, expires_at=issued.expires_at)
