"""The hash-chained audit log and the signed checkpoints of its head."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, utcnow


class AuditEvent(Base):
    """One audited action; `hash` covers the previous hash, so any edit breaks the chain.

    A command only inserts the event (its transaction decides whether it exists); the sequencer
    (server/domain/audit/chain.py) links committed events afterwards: `position`, `prev_hash` and
    `hash` stay empty until then.
    """

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(200), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Dense from 1 in chain order; unique, so two sequencers can never give out one place twice.
    position: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # Unique: two events can never claim the same predecessor, so the chain cannot fork.
    prev_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class AuditCheckpoint(Base):
    """The chain's head at `position` as the sequencer saw it, signed with the audit key (Ed25519)."""

    __tablename__ = "audit_checkpoints"

    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    # The checkpoint before this one (0 for the first) and the spacing in force, both signed: a stored
    # checkpoint deleted from the middle, or a long stretch without any, is seen by `audit verify`.
    previous: Mapped[int] = mapped_column(BigInteger)
    every: Mapped[int] = mapped_column(Integer)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))
