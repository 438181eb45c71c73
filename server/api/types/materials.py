"""Materials as members see them: metadata and the redacted summary, never the content."""

from __future__ import annotations

import logging
from datetime import datetime

import strawberry

from server import models
from server.api.context import Info
from server.api.types.common import Long
from server.api.types.users import User
from server.domain.materials import actions as materials
from server.domain.materials.vault import Vault
from server.infra.envelope import TamperedError
from server.infra.keyring import UnknownKeyError

log = logging.getLogger("warroom.materials")

SummaryStatus = strawberry.enum(
    models.SummaryStatus,
    name="SummaryStatus",
    description="Whether a material's redacted summary is being written, ready, or could not be made.",
)


@strawberry.type(description="A raw customer file on a case, stored encrypted; members see its summary.")
class Material:
    id: strawberry.ID
    case_id: strawberry.ID
    name: str
    size: Long = strawberry.field(description="In bytes.")
    content_type: str = strawberry.field(description="Sniffed from the bytes, not taken from the uploader.")
    sha256: str = strawberry.field(description="Of the original bytes, to check a download against.")
    note: str | None
    summary: str = strawberry.field(
        description="What the material says with personal data masked (phones, e-mails, ID, bank card and "
        "passport numbers, addresses); metadata only for audio, video and images without a transcript."
    )
    summary_status: SummaryStatus  # type: ignore[valid-type]
    duration_seconds: float | None = strawberry.field(description="Of audio and video, when known.")
    uploaded_at: datetime
    uploaded_by: User
    summary_edited_at: datetime | None = strawberry.field(description="When the uploader last reworded it.")

    @classmethod
    def of(cls, material: models.Material, uploader: models.User, summary: str) -> Material:
        return cls(
            id=strawberry.ID(material.id),
            case_id=strawberry.ID(material.case_id),
            name=material.name,
            size=Long(material.size),
            content_type=material.content_type,
            sha256=material.sha256,
            note=material.note,
            summary=summary,
            summary_status=material.summary_status,
            duration_seconds=material.duration_seconds,
            uploaded_at=material.uploaded_at,
            uploaded_by=User.of(uploader),
            summary_edited_at=material.summary_edited_at,
        )


def summary_of(vault: Vault, material: models.Material) -> str:
    """The material's summary, opened; "" (and an error in the log) when its key is missing or it was changed,
    so that one unreadable material does not hide the others."""
    try:
        return vault.summary(material)
    except (UnknownKeyError, TamperedError):
        log.exception("a material's summary cannot be opened", extra={"material_id": material.id})
        return ""


async def case_materials(info: Info, case_id: str) -> list[Material]:
    """A case's materials, newest first (the caller is a member)."""
    async with info.context.read() as session:
        rows = await materials.of_case(session, case_id)
    vault = info.context.services.vault
    return [Material.of(material, uploader, summary_of(vault, material)) for material, uploader in rows]
