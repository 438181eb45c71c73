"""What a person should look at: a mention, a reply to their thread, their thread resolved, a request for
access to raw material and its outcome, their pain point adopted by R&D, their redemption decided by HR."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server.models.base import Base, new_id, utcnow
from server.models.rewards import RedemptionStatus


class NotificationKind(enum.StrEnum):
    MENTION = "mention"
    REPLY = "reply"
    RESOLVED = "resolved"
    # to the case owners and the team's legal people: someone asks to open a material
    ACCESS_REQUESTED = "access_requested"
    # to the requester: both approvals are in (a grant exists), or the request was rejected
    ACCESS_GRANTED = "access_granted"
    ACCESS_REJECTED = "access_rejected"
    # to the grantee: an owner of the case or legal ended their grant
    ACCESS_REVOKED = "access_revoked"
    # to the author: R&D adopted their pain point (one per pain point, also in a cluster's adoption)
    PAIN_POINT_ADOPTED = "pain_point_adopted"
    # to the person who asked: HR approved or rejected their redemption
    REDEMPTION_DECIDED = "redemption_decided"
    # to a subscriber: a knowledge asset they follow has a new version
    ASSET_VERSION_PUBLISHED = "asset_version_published"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_id", "user_id", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(
        Enum(NotificationKind, native_enum=False, length=32, values_callable=lambda k: [m.value for m in k])
    )
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    comment_id: Mapped[str | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    access_request_id: Mapped[str | None] = mapped_column(
        ForeignKey("material_access_requests.id", ondelete="CASCADE")
    )
    pain_point_id: Mapped[str | None] = mapped_column(ForeignKey("pain_points.id", ondelete="CASCADE"))
    redemption_id: Mapped[str | None] = mapped_column(ForeignKey("redemptions.id", ondelete="CASCADE"))
    # What HR decided (REDEMPTION_DECIDED), as decided then: an approved redemption may be rejected later.
    redemption_decision: Mapped[RedemptionStatus | None] = mapped_column(
        Enum(RedemptionStatus, native_enum=False, length=16, values_callable=lambda k: [m.value for m in k])
    )
    knowledge_asset_id: Mapped[str | None] = mapped_column(
        ForeignKey("knowledge_assets.id", ondelete="CASCADE")
    )
    # Which version (ASSET_VERSION_PUBLISHED), as published then.
    asset_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
