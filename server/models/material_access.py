"""Access to raw material by two-person approval: requests, and the grants they end in."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow


class AccessRequestStatus(enum.StrEnum):
    PENDING = "pending"
    # both the customer's authorization and legal's approval are in: a grant exists
    GRANTED = "granted"
    REJECTED = "rejected"


class MaterialAccessRequest(Base):
    """Someone asks to open a material; the case owner records the customer's consent and legal approves."""

    __tablename__ = "material_access_requests"
    __table_args__ = (
        Index("ix_material_access_requests_material_id_id", "material_id", "id"),
        Index("ix_material_access_requests_case_id_status", "case_id", "status"),
        Index("ix_material_access_requests_requested_by", "requested_by"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    material_id: Mapped[str] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    # The material's case, kept here so "what waits for me" is one indexed query.
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    requested_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[AccessRequestStatus] = mapped_column(
        Enum(
            AccessRequestStatus,
            native_enum=False,
            length=16,
            values_callable=lambda kind: [m.value for m in kind],
        ),
        default=AccessRequestStatus.PENDING,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The customer's authorization, as the case owner recorded it (an e-mail reference, a signed form, ...).
    authorized_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    authorization_evidence: Mapped[str | None] = mapped_column(Text)
    authorized_at: Mapped[datetime | None]
    # Legal's approval, with the limits the grant gets.
    approved_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    approved_hours: Mapped[int | None] = mapped_column(Integer)
    approved_downloads: Mapped[int | None] = mapped_column(Integer)
    rejected_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    rejected_at: Mapped[datetime | None]


class MaterialGrant(Base):
    """The requester's time- and download-limited right to read a material's plaintext."""

    __tablename__ = "material_grants"
    __table_args__ = (Index("ix_material_grants_grantee_id_material_id", "grantee_id", "material_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # Unique: of two approvals racing to complete a request, only one grant can be written.
    request_id: Mapped[str] = mapped_column(
        ForeignKey("material_access_requests.id", ondelete="CASCADE"), unique=True
    )
    material_id: Mapped[str] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    grantee_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    downloads_allowed: Mapped[int] = mapped_column(Integer)
    downloads_used: Mapped[int] = mapped_column(Integer, default=0)
    # A viewing: ranged reads (a video player seeking) that follow each other closely count as one
    # download, up to a byte budget; see server/domain/material_access/downloads.py.
    viewing_until: Mapped[datetime | None]
    viewing_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
