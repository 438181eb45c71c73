"""Orders won on a case, the pain points that helped win them, and the approval they wait for."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow


class ApprovalStatus(enum.StrEnum):
    """Where a request that needs a second person stands (orders won, large adjustments)."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def approval_status_type() -> Enum:
    return Enum(
        ApprovalStatus,
        native_enum=False,
        length=16,
        values_callable=lambda kind: [member.value for member in kind],
        name="approvalstatus",
    )


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("team_id", "reference", name="uq_orders_team_id_reference"),
        Index("ix_orders_team_id_status", "team_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    # The team whose approvers decide the order; its order numbers are unique within it.
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    # The order's number in the sales system; required since revision 0009 (older orders may lack it).
    reference: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[ApprovalStatus] = mapped_column(approval_status_type(), default=ApprovalStatus.PENDING)
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(String(500))


class OrderPainPoint(Base):
    """A pain point credited with an order; its author (at recording time) earns ORDER_WON once."""

    __tablename__ = "order_pain_points"

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    # No foreign key yet: the pain-point table arrives with the clustering branch (see domain/points/orders).
    pain_point_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
