"""Reading a material under a grant: each read counted and audited.

What counts as one download:
- a request without `Range` counts one download;
- a `Range` request continues the grant's open *viewing* without counting when the previous read of the
  same grant began less than `VIEWING_GAP` ago and the viewing has sent less than `VIEWING_COPIES` times the
  material's size; otherwise it counts one download and opens a new viewing.
So a video player seeking through a recording spends one download per sitting, while pulling the whole file
again and again through ranges spends the count as plain downloads do.

Counting is a conditional update (`downloads_used < downloads_allowed`, the grant live), so two parallel
reads cannot spend more than the grant allows. Each read is audited twice: when it starts (in the counting
transaction, so a crash mid-stream leaves the read on the record) and when it ends, with the bytes sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit
from server.domain.material_access.grants import no_grant
from server.domain.material_access.seats import seat, subject
from server.models import Material, MaterialGrant, User
from server.models.base import utcnow

VIEWING_GAP: Final = timedelta(minutes=10)
VIEWING_COPIES: Final = 2


@dataclass(frozen=True)
class Download:
    """A read that may go ahead."""

    material: Material
    grant_id: str
    request_id: str
    counted: bool


def _live(now: Any) -> list[Any]:
    return [MaterialGrant.revoked_at.is_(None), MaterialGrant.expires_at > now]


def _usable(now: Any, material: Material, ranged: bool) -> Any:
    """A grant this read can go under: downloads left or, for a ranged read, an open viewing in budget."""
    left = MaterialGrant.downloads_used < MaterialGrant.downloads_allowed
    if not ranged:
        return left
    return left | ((MaterialGrant.viewing_until > now) & (MaterialGrant.viewing_bytes < _budget(material)))


def _budget(material: Material) -> int:
    return VIEWING_COPIES * max(material.size, 1)


async def readable(session: AsyncSession, user: User, material_id: str, *, ranged: bool) -> Material:
    """The material, when the caller may see it (NOT_FOUND otherwise) and holds a grant this read can go
    under (NO_GRANT, naming what is missing, otherwise). Counts nothing."""
    material = (await seat(session, material_id, user)).material
    now = utcnow()
    usable = await session.scalar(
        select(MaterialGrant.id)
        .where(
            MaterialGrant.material_id == material_id,
            MaterialGrant.grantee_id == user.id,
            *_live(now),
            _usable(now, material, ranged),
        )
        .limit(1)
    )
    if usable is None:
        raise await no_grant(session, user, material_id)
    return material


async def start(
    session: AsyncSession, user: User, material_id: str, *, ranged: bool, range_text: str | None
) -> Download:
    """Count the read (see the module's rules) and audit its start; NOT_FOUND or NO_GRANT as `readable`."""
    material = (await seat(session, material_id, user)).material
    now = utcnow()
    candidates = (
        await session.scalars(
            select(MaterialGrant)
            .where(MaterialGrant.material_id == material_id, MaterialGrant.grantee_id == user.id, *_live(now))
            .order_by(MaterialGrant.expires_at)
        )
    ).all()
    chosen: tuple[MaterialGrant, bool] | None = None
    if ranged:
        budget = _budget(material)
        for grant in candidates:
            if await _update(
                session,
                grant,
                [MaterialGrant.viewing_until > now, MaterialGrant.viewing_bytes < budget],
                {"viewing_until": now + VIEWING_GAP},
            ):
                chosen = (grant, False)
                break
    if chosen is None:
        for grant in candidates:
            if await _update(
                session,
                grant,
                [MaterialGrant.downloads_used < MaterialGrant.downloads_allowed],
                {
                    "downloads_used": MaterialGrant.downloads_used + 1,
                    "viewing_until": now + VIEWING_GAP,
                    "viewing_bytes": 0,
                },
            ):
                chosen = (grant, True)
                break
    if chosen is None:
        raise await no_grant(session, user, material_id)
    grant, counted = chosen
    await audit.record(
        session,
        actor_id=user.id,
        action="material.download_started",
        subject=subject(material_id),
        data={"request_id": grant.request_id, "grant_id": grant.id, "range": range_text, "counted": counted},
    )
    return Download(material, grant.id, grant.request_id, counted)


async def _update(
    session: AsyncSession, grant: MaterialGrant, conditions: list[Any], values: dict[str, Any]
) -> bool:
    """Apply `values` to a grant that is still live and meets `conditions`; False when it no longer does."""
    result = await session.execute(
        update(MaterialGrant)
        .where(MaterialGrant.id == grant.id, *_live(utcnow()), *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def still_live(session: AsyncSession, grant_id: str) -> bool:
    """True while the grant is neither revoked nor expired (checked between chunks of a download)."""
    found = await session.scalar(
        select(MaterialGrant.id).where(MaterialGrant.id == grant_id, *_live(utcnow()))
    )
    return found is not None


async def finish(
    session: AsyncSession,
    user_id: str,
    download: Download,
    *,
    sent: int,
    complete: bool,
    range_text: str | None,
    stopped: str | None = None,
) -> None:
    """Audit the end of a read with the bytes sent (also when it was cut short), and add them to the
    grant's viewing."""
    await session.execute(
        update(MaterialGrant)
        .where(MaterialGrant.id == download.grant_id)
        .values(viewing_bytes=MaterialGrant.viewing_bytes + sent)
        .execution_options(synchronize_session=False)
    )
    data: dict[str, Any] = {
        "request_id": download.request_id,
        "grant_id": download.grant_id,
        "bytes": sent,
        "range": range_text,
        "counted": download.counted,
        "complete": complete,
    }
    if stopped:
        data["stopped"] = stopped
    await audit.record(
        session,
        actor_id=user_id,
        action="material.downloaded",
        subject=subject(download.material.id),
        data=data,
    )
