"""Reading materials (their summaries; the content is behind access grants)."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.materials import Material, summary_of
from server.domain.materials import actions as materials
from server.models import User


@strawberry.type
class MaterialQueries:
    @strawberry.field(description="One material of a case you belong to; NOT_FOUND otherwise.")
    async def material(self, info: Info, id: strawberry.ID) -> Material:
        user = await info.context.user()
        async with info.context.read() as session:
            material, _role = await materials.visible(session, str(id), user)
            uploader = await session.get(User, material.uploaded_by)
        assert uploader is not None
        return Material.of(material, uploader, summary_of(info.context.services.vault, material))
