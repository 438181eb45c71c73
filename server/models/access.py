"""Visibility policies: what a team grants beyond case memberships, to whom, and until when."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow


class PolicyScope(enum.StrEnum):
    """Which cases a policy reaches: the person's own (memberships), their regions', or the whole team's."""

    MEMBER_CASES = "member_cases"
    REGION_CASES = "region_cases"
    TEAM_CASES = "team_cases"


class CaseAccess(enum.StrEnum):
    """What a policy lets one do with a case it reaches without a membership."""

    NONE = "none"
    VIEWER = "viewer"


class AccessView(enum.StrEnum):
    """The reads a policy opens over the cases it reaches."""

    CASES = "cases"
    PAIN_POINTS = "pain_points"
    CLUSTERS = "clusters"
    HEATMAPS = "heatmaps"
    COMMENTS = "comments"
    RANKING = "ranking"


def _values(kind: type[enum.StrEnum]) -> list[str]:
    return [member.value for member in kind]


class VisibilityPolicy(Base):
    """One team rule; it applies to people with one of `roles` or listed in `user_ids`, from `valid_from`
    (None: at once) until `valid_until` (None: until changed)."""

    __tablename__ = "visibility_policies"
    __table_args__ = (Index("ix_visibility_policies_team_id", "team_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"))
    name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    user_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    scope: Mapped[PolicyScope] = mapped_column(
        Enum(PolicyScope, native_enum=False, length=16, values_callable=_values)
    )
    case_access: Mapped[CaseAccess] = mapped_column(
        Enum(CaseAccess, native_enum=False, length=16, values_callable=_values)
    )
    max_age_days: Mapped[int | None]
    mask_customer_fields: Mapped[bool] = mapped_column(default=False)
    views: Mapped[list[str]] = mapped_column(JSON, default=list)
    valid_from: Mapped[datetime | None]
    valid_until: Mapped[datetime | None]
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
