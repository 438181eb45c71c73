"""Large HR adjustments waiting for a second approver before they reach the ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow
from server.models.orders import ApprovalStatus, approval_status_type

_BigId = BigInteger().with_variant(Integer(), "sqlite")


class AdjustmentRequest(Base):
    """An adjustment above the approval threshold: written to the ledger only when another HR person
    (not the requester, not the person adjusted) approves it."""

    __tablename__ = "adjustment_requests"
    __table_args__ = (Index("ix_adjustment_requests_team_id_status", "team_id", "status"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    requested_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    # The requester's idempotency key, as "ADJUSTMENT:<requester>:<key>": a repeat returns this request.
    request_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[ApprovalStatus] = mapped_column(approval_status_type(), default=ApprovalStatus.PENDING)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(String(500))
    # The ledger entry the approval wrote.
    entry_id: Mapped[int | None] = mapped_column(_BigId, ForeignKey("point_entries.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
