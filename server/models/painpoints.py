"""Customer pain points, the rectification tickets of refused ones, and their cached embeddings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Float, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow


def _values(kind: type[enum.StrEnum]) -> list[str]:
    return [member.value for member in kind]


class PainPointStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    # Reserved for a pain point withdrawn after acceptance; the quality gate's refusals are tickets instead.
    REJECTED = "rejected"
    ADOPTED = "adopted"
    DUPLICATE = "duplicate"


class TicketStatus(enum.StrEnum):
    OPEN = "open"
    RESUBMITTED = "resubmitted"


class PainPoint(Base):
    __tablename__ = "pain_points"
    __table_args__ = (
        Index("ix_pain_points_case_id", "case_id"),
        Index("ix_pain_points_team_id_created_at", "team_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    # The case's team, copied so team-wide reads (R&D, clustering) need no join; clustering is per team.
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    # As submitted; `normalized_text` is what people read, what is embedded and what duplicates compare.
    text: Mapped[str] = mapped_column(Text)
    normalized_text: Mapped[str] = mapped_column(Text)
    customer: Mapped[str] = mapped_column(String(300))
    product: Mapped[str | None] = mapped_column(String(200))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[PainPointStatus] = mapped_column(
        Enum(PainPointStatus, native_enum=False, length=16, values_callable=_values),
        default=PainPointStatus.SUBMITTED,
    )
    duplicate_of: Mapped[str | None] = mapped_column(ForeignKey("pain_points.id"))
    duplicate_similarity: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    adopted_at: Mapped[datetime | None]
    adopted_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    adoption_note: Mapped[str | None] = mapped_column(Text)
    # Withdrawn after acceptance (status REJECTED): by its author or the case owner, with a reason.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)


class RectificationTicket(Base):
    """A refused submission, kept with its original text and reasons until its author resubmits it."""

    __tablename__ = "rectification_tickets"
    __table_args__ = (Index("ix_rectification_tickets_author_id", "author_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    original_text: Mapped[str] = mapped_column(Text)
    # The last text tried on this ticket (a resubmission the gate refused again), if any.
    latest_text: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    customer: Mapped[str] = mapped_column(String(300))
    product: Mapped[str | None] = mapped_column(String(200))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[TicketStatus] = mapped_column(
        Enum(TicketStatus, native_enum=False, length=16, values_callable=_values), default=TicketStatus.OPEN
    )
    attempts: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resubmitted_at: Mapped[datetime | None]
    pain_point_id: Mapped[str | None] = mapped_column(ForeignKey("pain_points.id", ondelete="SET NULL"))


class PainPointEmbedding(Base):
    """One pain point's vector under one model: L2-normalised float32 bytes, re-made only for a new model."""

    __tablename__ = "pain_point_embeddings"

    pain_point_id: Mapped[str] = mapped_column(
        ForeignKey("pain_points.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(300), primary_key=True)
    dimension: Mapped[int]
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
