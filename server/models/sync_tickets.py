"""Sync tickets: short-lived, single-use passes that open one case's live-sync socket.

A ticket travels in the WebSocket URL, where proxies log it; the long-lived bearer token never does. Only
its SHA-256 is stored, and the token that minted it is kept so the ticket dies with that token.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base


class SyncTicket(Base):
    __tablename__ = "sync_tickets"
    __table_args__ = (
        Index("ix_sync_tickets_expires_at", "expires_at"),
        Index("ix_sync_tickets_token_id", "token_id"),
    )

    ticket_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_id: Mapped[str] = mapped_column(ForeignKey("auth_tokens.id", ondelete="CASCADE"))
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime]
