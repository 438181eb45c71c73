"""What the heatmap job keeps per case: how far it has read the update log, and what it found there."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, utcnow


class HeatmapState(Base):
    """The heatmap job's progress through one case's update log, and the section heatmap it computed.

    `version` grows by one with every stored run: a run writes only if the version it started from is
    still current, so two runs of the job at the same time never both apply their counts.
    """

    __tablename__ = "heatmap_states"

    case_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    last_update_id: Mapped[int] = mapped_column(BigInteger, default=0)
    """The highest `doc_updates.id` read; every row of the case up to it has been counted."""
    updates_read: Mapped[int] = mapped_column(BigInteger, default=0)
    """How many rows of the case up to `last_update_id` were read: a row that commits late, below
    `last_update_id`, makes the case's count larger than this and the next run starts over."""
    malformed: Mapped[int] = mapped_column(Integer, default=0)
    """Rows skipped because the decoder could not read them."""
    ledger: Mapped[bytes] = mapped_column(LargeBinary)
    """`EditLedger.dump()`: what the next run needs to continue."""
    sections: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The section heatmap of the document as of `last_update_id` (see domain.heatmap_store)."""
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class HeatmapEditDay(Base):
    """Characters one author inserted and deleted in one case on one UTC day."""

    __tablename__ = "heatmap_edit_days"

    case_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    chars_inserted: Mapped[int] = mapped_column(BigInteger, default=0)
    chars_deleted: Mapped[int] = mapped_column(BigInteger, default=0)
