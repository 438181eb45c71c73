"""Raw customer material on a case: only ciphertext is stored; members work from a redacted summary."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow


class SummaryStatus(enum.StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class Material(Base):
    """One uploaded file; its bytes live encrypted in the material store under `storage_key`."""

    __tablename__ = "materials"
    __table_args__ = (Index("ix_materials_case_id_uploaded_at", "case_id", "uploaded_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    # Sniffed from the bytes, never taken from the client.
    content_type: Mapped[str] = mapped_column(String(127))
    # Of the plaintext, so a downloader can check what they received.
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300), unique=True)
    chunk_size: Mapped[int] = mapped_column(Integer)
    # The material's own data key, wrapped by the key-encryption key named by `kek_id`.
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    kek_id: Mapped[str] = mapped_column(String(64), index=True)
    # A transcript uploaded with audio or video, sealed under the material's data key (never plaintext).
    transcript: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Of audio and video, when their metadata tells it.
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    # The redacted summary is still the customer's content: sealed under the material's data key like the
    # file (the database never holds its text). None until the summary job or the uploader writes one.
    summary_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    summary_status: Mapped[SummaryStatus] = mapped_column(
        Enum(
            SummaryStatus, native_enum=False, length=16, values_callable=lambda kind: [m.value for m in kind]
        ),
        default=SummaryStatus.PENDING,
    )
    summary_edited_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    summary_edited_at: Mapped[datetime | None] = mapped_column()
    uploaded_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
