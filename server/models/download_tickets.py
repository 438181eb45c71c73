"""Download tickets: short-lived, single-use links to one material's content.

A browser saves a large file to disk only when it navigates to it (or follows a link); a navigation carries
no `Authorization` header, so the link carries a ticket, never the bearer token. Only its SHA-256 is
stored, and the token that minted it is kept so the ticket dies with that token.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base


class DownloadTicket(Base):
    __tablename__ = "download_tickets"
    __table_args__ = (
        Index("ix_download_tickets_expires_at", "expires_at"),
        Index("ix_download_tickets_token_id", "token_id"),
    )

    ticket_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_id: Mapped[str] = mapped_column(ForeignKey("auth_tokens.id", ondelete="CASCADE"))
    material_id: Mapped[str] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime]
