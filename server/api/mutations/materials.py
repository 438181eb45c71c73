"""Rewording a material's summary (its uploader only; audited without the text)."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.materials import Material
from server.domain.materials import actions as materials


@strawberry.type
class MaterialMutations:
    @strawberry.mutation(
        description="Replace the summary of a material you uploaded (the audit keeps lengths and hashes, "
        "not the text)."
    )
    async def update_material_summary(self, info: Info, id: strawberry.ID, summary: str) -> Material:
        user = await info.context.user()
        async with info.context.command() as session:
            material, text = await materials.update_summary(
                session, user, str(id), summary, info.context.services.vault
            )
        return Material.of(material, user, text)
