"""Comment threads on a case: a root comment (optionally anchored on a passage) and its replies."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow


class _Threaded(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def thread_id(self) -> str | None: ...


class InThread:
    """Where a comment stands in its thread; for the model and for rows read without it."""

    __slots__ = ()

    @property
    def is_root(self: _Threaded) -> bool:
        return self.thread_id is None

    @property
    def root_id(self: _Threaded) -> str:
        """The id of the thread this comment belongs to (its own id for a root)."""
        return self.thread_id or self.id


class Comment(InThread, Base):
    """A root comment starts a thread (`thread_id` is None); a reply points at its thread's root.

    Deleting is soft: the row stays (replies keep their context), the API stops showing the body.
    """

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_case_id_thread_id_id", "case_id", "thread_id", "id"),
        Index("ix_comments_thread_id_id", "thread_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    thread_id: Mapped[str | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    # Yjs relative positions (binary, as `Y.encodeRelativePosition` writes them) and the text
    # selected when the comment was made; all None for a case-level comment or a reply.
    anchor_start: Mapped[bytes | None] = mapped_column(LargeBinary)
    anchor_end: Mapped[bytes | None] = mapped_column(LargeBinary)
    quote: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    deleted_at: Mapped[datetime | None]
    deleted_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
