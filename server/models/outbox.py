"""Follow-ups of a committed change, written in its transaction: jobs to run and events to publish.

A row is the promise that something happens after the commit; the dispatcher (server/infra/outbox.py) keeps it
and deletes the row once it has been delivered. `available_at` is when a dispatcher may take the row: the
committing process holds it for a lease first, and a failed delivery moves it later (back-off).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Enum, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, utcnow


class OutboxKind(enum.StrEnum):
    JOB = "job"
    EVENT = "event"


class OutboxMessage(Base):
    __tablename__ = "outbox"
    # SQLite's AUTOINCREMENT: an id is never used twice, even after its row was delivered and deleted (an
    # event's id is how a subscriber tells a repeat from a new event).
    __table_args__ = (Index("ix_outbox_available_at", "available_at"), {"sqlite_autoincrement": True})

    # Ordered: a dispatcher delivers rows in the order they were written.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[OutboxKind] = mapped_column(
        Enum(OutboxKind, native_enum=False, length=8, values_callable=lambda k: [m.value for m in k])
    )
    name: Mapped[str] = mapped_column(String(200))
    """The job's name, or the event's topic."""
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    """A job's {"job_id", "defer_by", "kwargs"} (and "not_before", if set); an event as published."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    available_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
