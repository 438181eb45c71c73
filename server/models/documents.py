"""The persisted case document: an append-only log of Yjs updates plus a compacted checkpoint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, utcnow

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
_BigId = BigInteger().with_variant(Integer(), "sqlite")


class DocUpdate(Base):
    """One effective Yjs update, who sent it and when; never edited, never deleted."""

    __tablename__ = "doc_updates"
    __table_args__ = (
        Index("ix_doc_updates_case_id_id", "case_id", "id"),
        Index("ix_doc_updates_case_id_compacted", "case_id", "compacted", "id"),
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    author_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # True once merged into the checkpoint; the row stays as history (snapshots, heatmaps).
    compacted: Mapped[bool] = mapped_column(default=False, server_default=false())


class DocCheckpoint(Base):
    """The merged state of every compacted update of a case."""

    __tablename__ = "doc_checkpoints"

    case_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[bytes] = mapped_column(LargeBinary)
    updates_merged: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DocText(Base):
    """The plain text of a case document at one log position: what the case list searches and previews.

    Kept by a job some seconds after activity (server.domain.documents.search_text) and by every snapshot;
    an older position never overwrites a newer one.
    """

    __tablename__ = "doc_texts"

    case_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
