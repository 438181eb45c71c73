"""Versions of a case document: each keeps the full encoded Yjs state, so no later GC can break it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow


class SnapshotKind(enum.StrEnum):
    AUTO = "auto"
    NAMED = "named"
    BEFORE_RESTORE = "before_restore"


class Snapshot(Base):
    """One version; never edited, never deleted (cases cascade)."""

    __tablename__ = "snapshots"
    __table_args__ = (
        Index("ix_snapshots_case_id_id", "case_id", "id"),
        # Two servers (or a retried job) that take the automatic snapshot of the same log position
        # collide here; one row wins.
        Index(
            "uq_snapshots_auto_position",
            "case_id",
            "position",
            unique=True,
            sqlite_where=text("kind = 'auto'"),
            postgresql_where=text("kind = 'auto'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[SnapshotKind] = mapped_column(
        Enum(SnapshotKind, native_enum=False, length=16, values_callable=lambda kind: [m.value for m in kind])
    )
    label: Mapped[str | None] = mapped_column(String(200))
    author_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # How many rows of the case's update log the state holds, and the newest of them: the log
    # between two snapshots says who changed what.
    position: Mapped[int] = mapped_column(BigInteger)
    last_update_id: Mapped[int | None] = mapped_column(BigInteger)
    # For a "before restore" snapshot: the version that was restored over it.
    restored_from_id: Mapped[str | None] = mapped_column(ForeignKey("snapshots.id"))
    size: Mapped[int] = mapped_column(Integer)
    # Loaded only when asked for: a page of versions must not read every state.
    state: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    text: Mapped[str] = mapped_column(Text, deferred=True)
