"""Notifications: what a person should look at, and the events that keep a badge current."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum

import strawberry

from server import models
from server.api.context import Info
from server.api.types.cases import Case
from server.api.types.comments import Comment, comment_views
from server.api.types.common import PageInfo
from server.api.types.knowledge import KnowledgeAsset, asset_views
from server.api.types.material_access import MaterialAccessRequest, request_views
from server.api.types.painpoints import PainPoint
from server.api.types.rewards import Redemption, RedemptionStatus
from server.api.types.users import User
from server.domain.cases import actions as cases
from server.domain.comments import actions as comments
from server.domain.comments import reads as comment_reads
from server.domain.knowledge.access import visible_by_ids
from server.domain.material_access import reads as access_reads
from server.domain.painpoints import access as painpoint_access
from server.domain.points import redemptions

NotificationKind = strawberry.enum(
    models.NotificationKind,
    name="NotificationKind",
    description="MENTION: you were mentioned; REPLY: someone replied in your thread; RESOLVED: your thread "
    "was resolved by someone else; ACCESS_REQUESTED: someone asks to open a material you decide on (as an "
    "owner of its case, or legal); ACCESS_GRANTED, ACCESS_REJECTED: your request to open one was decided; "
    "ACCESS_REVOKED: your access to one was ended by an owner of its case or legal; "
    "PAIN_POINT_ADOPTED: R&D adopted a pain point you submitted (one notification per pain point, also when "
    "a whole cluster is adopted); REDEMPTION_DECIDED: HR approved or rejected your redemption; "
    "ASSET_VERSION_PUBLISHED: a knowledge asset you subscribe to has a new version.",
)


@strawberry.type
class Notification:
    id: strawberry.ID
    kind: NotificationKind  # type: ignore[valid-type]
    created_at: datetime
    read_at: datetime | None
    actor: User | None = strawberry.field(description="Who caused it.")
    case: Case | None
    comment: Comment | None = strawberry.field(description="The comment it is about, as it is now.")
    material_access_request: MaterialAccessRequest | None = strawberry.field(
        description="The request to open a material it is about, as it is now."
    )
    pain_point: PainPoint | None = strawberry.field(
        description="The adopted pain point (PAIN_POINT_ADOPTED), as it is now; its case is `case`."
    )
    redemption: Redemption | None = strawberry.field(
        description="Your redemption HR decided (REDEMPTION_DECIDED), as it is now (its reward, the reason "
        "of a rejection)."
    )
    redemption_decision: RedemptionStatus | None = strawberry.field(  # type: ignore[valid-type]
        description="What HR decided (APPROVED or REJECTED), as it was then: an approved redemption may be "
        "rejected later, and each decision has its own notification."
    )
    knowledge_asset: KnowledgeAsset | None = strawberry.field(
        default=None,
        description="The knowledge asset with a new version (ASSET_VERSION_PUBLISHED), as it is now; null "
        "once you are no longer in its audience.",
    )
    asset_version: int | None = strawberry.field(
        default=None, description="The version published (ASSET_VERSION_PUBLISHED)."
    )


@strawberry.type
class NotificationConnection:
    nodes: list[Notification]
    page_info: PageInfo
    unread_count: int = strawberry.field(description="All your unread notifications, not only this page's.")


@strawberry.enum(
    description="COUNT: the first event of each subscription, sent once the server listens (read the "
    "inbox again: nothing after it is missed); CREATED: a new notification; READ: some were marked read."
)
class NotificationEventKind(Enum):
    COUNT = "COUNT"
    CREATED = "CREATED"
    READ = "READ"


@strawberry.type(
    description="Your unread count as a subscription starts, a notification for you, or some of yours marked "
    "read (on any device)."
)
class NotificationEvent:
    kind: NotificationEventKind
    notification: Notification | None = strawberry.field(description="The new notification (CREATED).")
    unread_count: int


async def notification_views(info: Info, rows: Sequence[models.Notification]) -> list[Notification]:
    """The GraphQL view of the caller's notifications, in a fixed number of queries."""
    viewer = await info.context.user()
    case_ids = {n.case_id for n in rows if n.case_id}
    async with info.context.read() as session:
        roles = await cases.roles(session, viewer, case_ids)
        found = await comments.by_ids(session, [n.comment_id for n in rows if n.comment_id])
        case_rows = await cases.by_ids(session, list(roles))
        actors = await comment_reads.people(session, [], *(n.actor_id for n in rows))
        access = await access_reads.visible_requests(
            session, viewer, [n.access_request_id for n in rows if n.access_request_id]
        )
        pain_points = await painpoint_access.visible_by_ids(
            session, viewer, [n.pain_point_id for n in rows if n.pain_point_id]
        )
        decided = await redemptions.mine_by_ids(
            session, viewer, [n.redemption_id for n in rows if n.redemption_id]
        )
        asset_rows = await visible_by_ids(
            session, viewer, [n.knowledge_asset_id for n in rows if n.knowledge_asset_id]
        )
    assets = {str(a.id): a for a in await asset_views(info, list(asset_rows.values()))}
    views = {
        c.id: c for c in await comment_views(info, list(found.values()), roles=roles, with_replies=False)
    }
    requests = {str(r.id): r for r in await request_views(info, list(access.values()))}
    return [
        Notification(
            id=strawberry.ID(n.id),
            kind=n.kind,
            created_at=n.created_at,
            read_at=n.read_at,
            actor=User.of(actors[n.actor_id]) if n.actor_id in actors else None,
            case=Case.of(case_rows[n.case_id], roles[n.case_id]) if n.case_id in case_rows else None,
            comment=views.get(strawberry.ID(n.comment_id)) if n.comment_id else None,
            material_access_request=requests.get(n.access_request_id) if n.access_request_id else None,
            pain_point=PainPoint.of(pain_points[n.pain_point_id]) if n.pain_point_id in pain_points else None,
            redemption=Redemption.of(decided[n.redemption_id]) if n.redemption_id in decided else None,
            redemption_decision=n.redemption_decision,
            knowledge_asset=assets.get(n.knowledge_asset_id) if n.knowledge_asset_id else None,
            asset_version=n.asset_version,
        )
        for n in rows
    ]
