"""Value points: the rules, the append-only ledger, the cached balances and voided subjects."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, utcnow

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
_BigId = BigInteger().with_variant(Integer(), "sqlite")


class PointAction(enum.StrEnum):
    """Why points moved: the earning actions of the rules table, plus HR adjustments and redemptions."""

    PAIN_POINT_ACCEPTED = "pain_point_accepted"
    PAIN_POINT_ADOPTED = "pain_point_adopted"
    ORDER_WON = "order_won"
    COMMENT_RESOLVED = "comment_resolved"
    SNAPSHOT_NAMED = "snapshot_named"
    ASSET_REUSED = "asset_reused"
    ASSET_SUBSCRIBED = "asset_subscribed"
    ADJUSTMENT = "adjustment"
    REDEMPTION = "redemption"

    @property
    def is_earning(self) -> bool:
        """True for the actions the rules table prices (what counts as a contribution)."""
        return self not in (PointAction.ADJUSTMENT, PointAction.REDEMPTION)


EARNING_ACTIONS = tuple(action for action in PointAction if action.is_earning)


def _action_type() -> Enum:
    return Enum(
        PointAction,
        native_enum=False,
        length=32,
        values_callable=lambda kind: [member.value for member in kind],
        name="pointaction",
    )


class PointRule(Base):
    """How many points one earning action is worth in one team, and how many a person may earn from it
    per UTC day and per UTC calendar month.
    """

    __tablename__ = "point_rules"
    __table_args__ = (
        CheckConstraint("points >= 0", name="points_not_negative"),
        CheckConstraint("daily_cap IS NULL OR daily_cap > 0", name="daily_cap_positive"),
        CheckConstraint("monthly_cap IS NULL OR monthly_cap > 0", name="monthly_cap_positive"),
    )

    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    action: Mapped[PointAction] = mapped_column(_action_type(), primary_key=True)
    points: Mapped[int] = mapped_column(Integer)
    # Points per person per UTC day (and per UTC calendar month) from this action; NULL means no cap.
    daily_cap: Mapped[int | None] = mapped_column(Integer)
    monthly_cap: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))


class PointEntry(Base):
    """One immutable movement of one person's points. Never updated, never deleted: a correction is a
    new entry that `reverses` an earlier one. `prev_hash`/`hash` chain each person's entries, so an edit
    anywhere breaks the chain that `python -m server audit verify` walks. `balance_after` may be negative:
    a reversal of points already spent leaves a debt (the ledger refuses every other debit below zero).
    """

    __tablename__ = "point_entries"
    __table_args__ = (
        UniqueConstraint("user_id", "prev_hash", name="uq_point_entries_user_id_prev_hash"),
        Index("ix_point_entries_user_id_id", "user_id", "id"),
        Index("ix_point_entries_user_id_action_created_at", "user_id", "action", "created_at"),
        Index("ix_point_entries_subject", "subject"),
        Index("ix_point_entries_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    delta: Mapped[int] = mapped_column(Integer)
    action: Mapped[PointAction] = mapped_column(_action_type())
    # What earned or spent the points, as "kind:id" (pain_point:…, comment:…, redemption:…, user:…).
    subject: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    # Unique: an entry is reversed at most once.
    reverses_id: Mapped[int | None] = mapped_column(
        _BigId, ForeignKey("point_entries.id"), unique=True, nullable=True
    )
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(500))
    balance_after: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class PointBalance(Base):
    """The sum of a person's entries, kept in step with every append (the row is the per-person lock).
    Negative while the person is in debt (see PointEntry).
    """

    __tablename__ = "point_balances"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    balance: Mapped[int] = mapped_column(Integer, default=0)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    head_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PointVoid(Base):
    """A subject that may earn nothing any more (a rejected or deleted pain point): its awards were
    reversed, and an award that arrives later (a delayed job) is refused.
    """

    __tablename__ = "point_voids"

    subject: Mapped[str] = mapped_column(String(200), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
