"""Requests to open raw material, your grants, and a material's access log."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.material_access import (
    MaterialAccessLogEntry,
    MaterialAccessRequest,
    MaterialAccessRequestConnection,
    MaterialAccessStatus,
    MaterialGrant,
    grant_views,
    log_views,
    request_views,
)
from server.domain.material_access import reads


@strawberry.type
class MaterialAccessQueries:
    @strawberry.field(
        description="With `materialId`: that material's requests (anyone on its case, and legal of the "
        "team). Without: the requests you made or must act on (as an owner of the case, or as legal). "
        "Newest first."
    )
    async def material_access_requests(
        self,
        info: Info,
        material_id: strawberry.ID | None = None,
        status: MaterialAccessStatus | None = None,  # type: ignore[valid-type]
        first: int = 20,
        after: str | None = None,
    ) -> MaterialAccessRequestConnection:
        viewer = await info.context.user()
        async with info.context.read() as session:
            page = await reads.requests_page(
                session,
                viewer,
                material_id=None if material_id is None else str(material_id),
                status=status,
                first=first,
                after=after,
            )
        return MaterialAccessRequestConnection(
            nodes=await request_views(info, page.items),
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )

    @strawberry.field(description="One request to open a material.")
    async def material_access_request(self, info: Info, id: strawberry.ID) -> MaterialAccessRequest:
        viewer = await info.context.user()
        async with info.context.read() as session:
            request = await reads.request(session, viewer, str(id))
        return (await request_views(info, [request]))[0]

    @strawberry.field(description="Your grants to read material, newest first (only live ones by default).")
    async def my_material_grants(self, info: Info, live_only: bool = True) -> list[MaterialGrant]:
        viewer = await info.context.user()
        async with info.context.read() as session:
            rows = await reads.my_grants(session, viewer, live_only=live_only)
        return await grant_views(info, rows)

    @strawberry.field(
        description="Every request, authorization, approval, rejection, grant, download (with its bytes) and "
        "revocation of a material, oldest first, from the audit trail (owners of the case and legal)."
    )
    async def material_access_log(
        self, info: Info, material_id: strawberry.ID
    ) -> list[MaterialAccessLogEntry]:
        viewer = await info.context.user()
        async with info.context.read() as session:
            events = await reads.access_log(session, viewer, str(material_id))
        return await log_views(info, events)
