"""The summary job: a material's text extracted and masked, from its plaintext opened chunk by chunk."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import BinaryIO, cast

from sqlalchemy import update

from server.domain.materials import summaries
from server.domain.materials.vault import Vault
from server.infra.job_context import JobContext
from server.models import Material, SummaryStatus

log = logging.getLogger("warroom.jobs.materials")

_VAULT = "materials.vault"


def vault_of(ctx: JobContext) -> Vault:
    """This process's vault for jobs (built from the settings on first use)."""
    shared = ctx.get("shared")
    if shared is None:
        return Vault.from_settings(ctx["settings"])
    vault = shared.get(_VAULT)
    if vault is None:
        vault = shared[_VAULT] = Vault.from_settings(ctx["settings"])
    return vault


async def summarize_material(ctx: JobContext, material_id: str) -> str | None:
    """Write a pending material's redacted summary (READY) or mark it FAILED; safe to run twice."""
    db = ctx["db"]
    async with db.sessions() as session:
        material = await session.get(Material, material_id)
    if material is None or material.summary_status is not SummaryStatus.PENDING:
        return None
    vault = vault_of(ctx)
    sealed, status, duration = None, SummaryStatus.FAILED, None
    try:
        open_plaintext = vault.plaintext_opener(material)
        transcript = vault.transcript(material)

        def run() -> summaries.Summary:
            return summaries.summarize(
                name=material.name,
                content_type=material.content_type,
                size=material.size,
                # a RawIOBase over the chunks: read, seek and tell as a binary file has them
                open_plaintext=cast(Callable[[], BinaryIO], open_plaintext),
                transcript=transcript,
            )

        result = await asyncio.to_thread(run)
        sealed = vault.seal_summary(material, result.text)
        status, duration = SummaryStatus.READY, result.duration_seconds
    except Exception:  # a material that cannot be read or parsed is marked, not retried for ever
        log.exception("material summary failed", extra={"material_id": material_id})
    async with db.transaction() as session:
        # Never over the uploader's own wording, nor over a summary another run wrote first.
        await session.execute(
            update(Material)
            .where(
                Material.id == material_id,
                Material.summary_status == SummaryStatus.PENDING,
                Material.summary_edited_by.is_(None),
            )
            .values(summary_sealed=sealed, summary_status=status, duration_seconds=duration)
        )
    log.info("material summarized", extra={"material_id": material_id, "status": status.value})
    return status.value
