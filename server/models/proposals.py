"""Requirement proposals: an adopted cluster as a structured requirement for R&D's tracker, with evidence."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow


class ProposalStatus(enum.StrEnum):
    # Adopted, not yet decided by whoever plans R&D's work
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DONE = "done"


class RequirementProposal(Base):
    __tablename__ = "requirement_proposals"
    # One proposal per recurring problem of a team: the cluster id is stable across runs.
    __table_args__ = (
        UniqueConstraint("team_id", "cluster_id"),
        Index("ix_requirement_proposals_team_id_status", "team_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    cluster_id: Mapped[str] = mapped_column(String(36))
    # The run the evidence was read from (runs may be pruned later; the evidence is a copy).
    run_id: Mapped[str] = mapped_column(String(36))
    title: Mapped[str] = mapped_column(String(300))
    problem_statement: Mapped[str] = mapped_column(Text)
    status: Mapped[ProposalStatus] = mapped_column(
        Enum(ProposalStatus, native_enum=False, length=16, values_callable=lambda k: [m.value for m in k]),
        default=ProposalStatus.OPEN,
    )
    # A snapshot taken at adoption (server/domain/proposals/evidence.py): it does not follow later runs.
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    adopted_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
