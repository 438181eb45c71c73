"""Access to raw material: requests, the two approvals, grants, and the access log."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import datetime

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server import models
from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.users import User
from server.domain.material_access import grants, reads
from server.models.base import utcnow

MaterialAccessStatus = strawberry.enum(
    models.AccessRequestStatus,
    name="MaterialAccessStatus",
    description="PENDING until both the customer's authorization and legal's approval are in (GRANTED: a "
    "grant exists) or someone REJECTED it.",
)
MaterialGrantState = strawberry.enum(
    grants.GrantState,
    name="MaterialGrantState",
    description="LIVE: the content can be downloaded; EXPIRED, REVOKED, USED_UP (no downloads left): it can "
    "not, ask again.",
)


@strawberry.enum(
    description="What stands between a person and a material's content (also the `missing` "
    "codes of a 403 from GET /materials/{id}/content)."
)
class MaterialAccessMissing(enum.Enum):
    ACCESS_REQUEST = grants.ACCESS_REQUEST
    CUSTOMER_AUTHORIZATION = grants.CUSTOMER_AUTHORIZATION
    LEGAL_APPROVAL = grants.LEGAL_APPROVAL
    GRANT_EXPIRED = grants.GRANT_EXPIRED
    GRANT_REVOKED = grants.GRANT_REVOKED
    DOWNLOADS_USED_UP = grants.DOWNLOADS_USED_UP


@strawberry.type(description="How the customer agreed, as an owner of the case recorded it.")
class CustomerAuthorization:
    by: User | None
    evidence: str = strawberry.field(description="An e-mail reference, a signed form's material id, ...")
    at: datetime


@strawberry.type(description="Legal's approval, with the limits the grant gets.")
class LegalApproval:
    by: User | None
    at: datetime
    hours: int
    downloads: int


@strawberry.type
class AccessRejection:
    by: User | None
    reason: str
    at: datetime


@strawberry.type(description="The requester's time- and download-limited right to read a material's content.")
class MaterialGrant:
    id: strawberry.ID
    request_id: strawberry.ID
    material_id: strawberry.ID
    material_name: str
    grantee: User | None
    created_at: datetime
    expires_at: datetime
    downloads_allowed: int
    downloads_used: int
    revoked_at: datetime | None
    revoked_by: User | None
    state: MaterialGrantState  # type: ignore[valid-type]
    content_url: str = strawberry.field(
        description="Where the grantee downloads the content (GET, with `Authorization: Bearer <token>`; "
        "`Range` supported)."
    )

    @strawberry.field(description="Downloads left (0 once expired or revoked).")
    def downloads_left(self) -> int:
        if self.state is not grants.GrantState.LIVE:
            return 0
        return max(self.downloads_allowed - self.downloads_used, 0)


@strawberry.type(description="A request to open a material's content.")
class MaterialAccessRequest:
    id: strawberry.ID
    material_id: strawberry.ID
    material_name: str
    case_id: strawberry.ID
    requester: User | None
    reason: str
    status: MaterialAccessStatus  # type: ignore[valid-type]
    created_at: datetime
    authorization: CustomerAuthorization | None
    approval: LegalApproval | None
    rejection: AccessRejection | None
    grant: MaterialGrant | None
    missing: list[MaterialAccessMissing] = strawberry.field(
        description="Of a pending request: the approvals it still waits for."
    )


@strawberry.type
class MaterialAccessRequestConnection:
    nodes: list[MaterialAccessRequest]
    page_info: PageInfo


@strawberry.type(description="One audited event about a material, from the audit trail.")
class MaterialAccessLogEntry:
    seq: int = strawberry.field(description="The event's place in the audit chain.")
    at: datetime
    action: str = strawberry.field(
        description="material.access_requested, .access_authorized, .access_approved, .access_granted, "
        ".access_rejected, .access_revoked, .download_started, .downloaded, or another material event."
    )
    actor: User | None
    request_id: strawberry.ID | None
    grant_id: strawberry.ID | None
    bytes: float | None = strawberry.field(description="Of a download: the bytes sent (also when cut short).")
    range: str | None = strawberry.field(description="Of a download: the byte range asked for, if any.")
    counted: bool | None = strawberry.field(description="Of a download: whether it spent one of the grant's.")
    complete: bool | None
    detail: str | None = strawberry.field(
        description="The reason of a request or rejection, the evidence of an authorization, or why a "
        "download stopped."
    )


class _People:
    """People by id, loaded in one query."""

    def __init__(self, rows: Iterable[models.User]) -> None:
        self._rows = {row.id: row for row in rows}

    @classmethod
    async def load(cls, session: AsyncSession, ids: Iterable[str | None]) -> _People:
        wanted = {i for i in ids if i}
        if not wanted:
            return cls([])
        return cls((await session.scalars(select(models.User).where(models.User.id.in_(wanted)))).all())

    def __call__(self, user_id: str | None) -> User | None:
        row = self._rows.get(user_id or "")
        return User.of(row) if row is not None else None


def _grant_view(grant: models.MaterialGrant, material_name: str, people: _People) -> MaterialGrant:
    return MaterialGrant(
        id=strawberry.ID(grant.id),
        request_id=strawberry.ID(grant.request_id),
        material_id=strawberry.ID(grant.material_id),
        material_name=material_name,
        grantee=people(grant.grantee_id),
        created_at=grant.created_at,
        expires_at=grant.expires_at,
        downloads_allowed=grant.downloads_allowed,
        downloads_used=grant.downloads_used,
        revoked_at=grant.revoked_at,
        revoked_by=people(grant.revoked_by),
        state=grants.state(grant, utcnow()),
        content_url=f"/materials/{grant.material_id}/content",
    )


async def grant_views(info: Info, rows: Sequence[models.MaterialGrant]) -> list[MaterialGrant]:
    """The GraphQL view of grants the caller may see, in a fixed number of queries."""
    async with info.context.read() as session:
        materials = await reads.materials_of(session, [g.material_id for g in rows])
        people = await _People.load(session, [i for g in rows for i in (g.grantee_id, g.revoked_by)])
    return [_grant_view(g, materials[g.material_id].name, people) for g in rows]


async def request_views(
    info: Info, rows: Sequence[models.MaterialAccessRequest]
) -> list[MaterialAccessRequest]:
    """The GraphQL view of requests the caller may see, in a fixed number of queries."""
    async with info.context.read() as session:
        materials = await reads.materials_of(session, [r.material_id for r in rows])
        granted = await reads.grants_of(session, [r.id for r in rows])
        ids = [i for r in rows for i in (r.requested_by, r.authorized_by, r.approved_by, r.rejected_by)]
        ids += [i for g in granted.values() for i in (g.grantee_id, g.revoked_by)]
        people = await _People.load(session, ids)
    views = []
    for r in rows:
        name = materials[r.material_id].name
        grant = granted.get(r.id)
        views.append(
            MaterialAccessRequest(
                id=strawberry.ID(r.id),
                material_id=strawberry.ID(r.material_id),
                material_name=name,
                case_id=strawberry.ID(r.case_id),
                requester=people(r.requested_by),
                reason=r.reason,
                status=r.status,
                created_at=r.created_at,
                authorization=CustomerAuthorization(
                    by=people(r.authorized_by), evidence=r.authorization_evidence or "", at=r.authorized_at
                )
                if r.authorized_at is not None
                else None,
                approval=LegalApproval(
                    by=people(r.approved_by),
                    at=r.approved_at,
                    hours=r.approved_hours or 0,
                    downloads=r.approved_downloads or 0,
                )
                if r.approved_at is not None
                else None,
                rejection=AccessRejection(
                    by=people(r.rejected_by), reason=r.rejection_reason or "", at=r.rejected_at
                )
                if r.rejected_at is not None
                else None,
                grant=_grant_view(grant, name, people) if grant is not None else None,
                missing=_missing(r),
            )
        )
    return views


def _missing(request: models.MaterialAccessRequest) -> list[MaterialAccessMissing]:
    if request.status is not models.AccessRequestStatus.PENDING:
        return []
    missing = [MaterialAccessMissing.CUSTOMER_AUTHORIZATION] if request.authorized_by is None else []
    return missing + ([MaterialAccessMissing.LEGAL_APPROVAL] if request.approved_by is None else [])


_DETAIL_KEYS = ("reason", "evidence", "stopped")


async def log_views(info: Info, events: Sequence[models.AuditEvent]) -> list[MaterialAccessLogEntry]:
    """The access log's entries, with their actors loaded in one query."""
    async with info.context.read() as session:
        people = await _People.load(session, [e.actor_id for e in events])
    entries = []
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        detail = next((str(data[key]) for key in _DETAIL_KEYS if data.get(key)), None)
        entries.append(
            MaterialAccessLogEntry(
                seq=event.seq,
                at=event.at,
                action=event.action,
                actor=people(event.actor_id),
                request_id=_id(data.get("request_id")),
                grant_id=_id(data.get("grant_id")),
                bytes=float(data["bytes"]) if isinstance(data.get("bytes"), int) else None,
                range=data.get("range") if isinstance(data.get("range"), str) else None,
                counted=data.get("counted") if isinstance(data.get("counted"), bool) else None,
                complete=data.get("complete") if isinstance(data.get("complete"), bool) else None,
                detail=detail,
            )
        )
    return entries


def _id(value: object) -> strawberry.ID | None:
    return strawberry.ID(value) if isinstance(value, str) else None
