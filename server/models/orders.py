"""Orders won on a case, and the pain points that helped win them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("case_id", "reference", name="uq_orders_case_id_reference"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    # The order's number in the sales system; recording the same reference twice records one order.
    reference: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrderPainPoint(Base):
    """A pain point credited with an order; its author (at recording time) earns ORDER_WON once."""

    __tablename__ = "order_pain_points"

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    # No foreign key yet: the pain-point table arrives with the clustering branch (see domain/points/orders).
    pain_point_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
