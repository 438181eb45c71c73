"""Customer cases and who may work on them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow


class CaseRole(enum.StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    COMMENTER = "commenter"
    VIEWER = "viewer"

    @property
    def can_edit(self) -> bool:
        return self in (CaseRole.OWNER, CaseRole.EDITOR)

    @property
    def can_comment(self) -> bool:
        return self is not CaseRole.VIEWER


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_team_id_region", "team_id", "region"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    title: Mapped[str] = mapped_column(String(300))
    customer: Mapped[str] = mapped_column(String(300))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # One of the team's regions (Team.regions), or None.
    region: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Archived cases leave the case list (unless asked for) and keep everything else.
    archived_at: Mapped[datetime | None] = mapped_column(default=None)
    archived_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"), default=None)


class CaseMember(Base):
    __tablename__ = "case_members"
    __table_args__ = (Index("ix_case_members_user_id", "user_id"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[CaseRole] = mapped_column(
        Enum(CaseRole, native_enum=False, length=16, values_callable=lambda kind: [m.value for m in kind])
    )
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
