"""Materials on a case: recording a sealed upload, editing its summary, and reading them."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit, job_names, outbox
from server.domain.cases import actions as cases
from server.domain.errors import BadInput, Forbidden, NotFound
from server.domain.materials import sniffing
from server.domain.materials.config import MAX_NAME_CHARS, MAX_NOTE_CHARS
from server.domain.materials.vault import Sealed, Vault
from server.infra.ids import is_id
from server.models import Case, CaseRole, Material, SummaryStatus, User
from server.models.base import utcnow

UPLOADERS = (CaseRole.OWNER, CaseRole.EDITOR)
MAX_SUMMARY_CHARS = 20_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_name(raw: str) -> str:
    """A file name to show: its last path part, without control characters, at most 255 characters
    (keeping the extension)."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(_CONTROL.sub(" ", name).split())
    if not name or name in (".", ".."):
        raise BadInput("The file needs a name (the `filename` of the `file` part).")
    if len(name) > MAX_NAME_CHARS:
        _stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            return name[: MAX_NAME_CHARS - len(extension) - 1] + "." + extension
        return name[:MAX_NAME_CHARS]
    return name


def clean_note(raw: str | None) -> str | None:
    """The uploader's note, trimmed; None when empty."""
    note = (raw or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise BadInput(f"The note is longer than {MAX_NOTE_CHARS} characters.")
    return note or None


def content_type_of(head: bytes, name: str) -> str:
    """The type the bytes show (the client's word is never taken)."""
    return sniffing.sniff(head, name)


async def require_uploader(session: AsyncSession, case_id: str, user: User) -> Case:
    """The case, when the caller may add material to it (its OWNER or an EDITOR)."""
    case, _member = await cases.require_role(session, case_id, user, *UPLOADERS)
    return case


async def record_upload(
    session: AsyncSession,
    user: User,
    *,
    case_id: str,
    material_id: str,
    storage_key: str,
    name: str,
    note: str | None,
    content_type: str,
    sealed: Sealed,
    transcript: bytes | None,
) -> Material:
    """The row of a completely stored material, its audit event and its summary job, in the caller's
    transaction (the permission is checked again: it may have changed during a long upload)."""
    await require_uploader(session, case_id, user)
    material = Material(
        id=material_id,
        case_id=case_id,
        name=name,
        note=note,
        size=sealed.size,
        content_type=content_type,
        sha256=sealed.sha256,
        storage_key=storage_key,
        chunk_size=sealed.chunk_size,
        wrapped_key=sealed.wrapped_key,
        kek_id=sealed.kek_id,
        transcript=transcript,
        summary_sealed=None,
        summary_status=SummaryStatus.PENDING,
        uploaded_by=user.id,
        uploaded_at=utcnow(),
    )
    session.add(material)
    await session.flush()
    await audit.record(
        session,
        actor_id=user.id,
        action="material.uploaded",
        subject=material.id,
        data={
            "case_id": case_id,
            "name": name,
            "size": sealed.size,
            "sha256": sealed.sha256,
            "content_type": content_type,
            "kek_id": sealed.kek_id,
            "transcript": transcript is not None,
        },
    )
    outbox.job(
        session, job_names.SUMMARIZE_MATERIAL, job_id=f"summarize:{material.id}", material_id=material.id
    )
    return material


def _not_found(material_id: str) -> NotFound:
    return NotFound(f"No material with id {material_id} is visible to you.")


async def visible(session: AsyncSession, material_id: str, user: User) -> tuple[Material, CaseRole]:
    """A material of a case the caller belongs to, with their role there; NOT_FOUND otherwise."""
    material = await session.get(Material, material_id) if is_id(material_id) else None
    if material is None:
        raise _not_found(material_id)
    member = await cases.membership(session, material.case_id, user.id)
    if member is None:
        raise _not_found(material_id)
    return material, member.role


async def of_case(session: AsyncSession, case_id: str) -> Sequence[tuple[Material, User]]:
    """A case's materials with their uploaders, newest first (the caller checked the membership)."""
    rows = await session.execute(
        select(Material, User)
        .join(User, User.id == Material.uploaded_by)
        .where(Material.case_id == case_id)
        .order_by(Material.uploaded_at.desc(), Material.id.desc())
    )
    return [(material, uploader) for material, uploader in rows.all()]


async def update_summary(
    session: AsyncSession, user: User, material_id: str, summary: str, vault: Vault
) -> tuple[Material, str]:
    """The uploader's own wording of the summary (sealed like the file); audited with lengths and hashes,
    never the text. Returns the material and the text as stored."""
    material, _role = await visible(session, material_id, user)
    if material.uploaded_by != user.id:
        raise Forbidden("Only the person who uploaded this material can edit its summary.")
    text = summary.strip()
    if len(text) > MAX_SUMMARY_CHARS:
        raise BadInput(f"The summary is longer than {MAX_SUMMARY_CHARS} characters.")
    before = vault.summary(material)
    material.summary_sealed = vault.seal_summary(material, text)
    material.summary_status = SummaryStatus.READY
    material.summary_edited_by = user.id
    material.summary_edited_at = utcnow()
    await session.flush()
    await audit.record(
        session,
        actor_id=user.id,
        action="material.summary_edited",
        subject=material.id,
        data={
            "case_id": material.case_id,
            "before_length": len(before),
            "before_sha256": hashlib.sha256(before.encode()).hexdigest(),
            "after_length": len(text),
            "after_sha256": hashlib.sha256(text.encode()).hexdigest(),
        },
    )
    return material, text
