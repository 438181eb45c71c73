"""What people can redeem their points for, and their redemptions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow

_BigId = BigInteger().with_variant(Integer(), "sqlite")


class RewardKind(enum.StrEnum):
    TRAINING = "training"
    LEAVE = "leave"
    CASH = "cash"
    OTHER = "other"


class RedemptionStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    FULFILLED = "fulfilled"


def _values(kind: type[enum.StrEnum]) -> list[str]:
    return [member.value for member in kind]


class Reward(Base):
    """One item of a team's catalogue; `stock` NULL means unlimited."""

    __tablename__ = "rewards"
    __table_args__ = (
        CheckConstraint("cost > 0", name="cost_positive"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
        UniqueConstraint("team_id", "name", name="uq_rewards_team_id_name"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    kind: Mapped[RewardKind] = mapped_column(
        Enum(RewardKind, native_enum=False, length=16, values_callable=_values)
    )
    cost: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Redemption(Base):
    """A person's request for a reward: its cost is debited (held) when requested and refunded, by a
    reversal entry, if HR rejects it.
    """

    __tablename__ = "redemptions"
    __table_args__ = (
        UniqueConstraint("user_id", "request_key", name="uq_redemptions_user_id_request_key"),
        Index("ix_redemptions_team_id_status_id", "team_id", "status", "id"),
        Index("ix_redemptions_user_id_id", "user_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    reward_id: Mapped[str] = mapped_column(ForeignKey("rewards.id"))
    cost: Mapped[int] = mapped_column(Integer)
    status: Mapped[RedemptionStatus] = mapped_column(
        Enum(RedemptionStatus, native_enum=False, length=16, values_callable=_values),
        default=RedemptionStatus.REQUESTED,
    )
    # The client's idempotency key: the same request sent twice redeems once.
    request_key: Mapped[str | None] = mapped_column(String(100))
    hold_entry_id: Mapped[int | None] = mapped_column(_BigId, ForeignKey("point_entries.id"))
    refund_entry_id: Mapped[int | None] = mapped_column(_BigId, ForeignKey("point_entries.id"))
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    fulfilled_at: Mapped[datetime | None]
    fulfilled_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
