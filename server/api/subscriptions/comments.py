"""Live comment events of a case."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from server.api import live
from server.api.context import Info
from server.api.types.comments import CommentEvent, CommentEventKind, comment_views
from server.api.types.users import User
from server.domain.comments import actions as comments
from server.domain.comments import reads as comment_reads
from server.infra import topics
from server.infra.events import Event


async def comment_event(info: Info, event: Event) -> CommentEvent | None:
    """An event as the subscriber sees it: the comment loaded with their rights, or nothing when it
    is no longer theirs to see."""
    user = await info.context.user()
    async with info.context.read() as session:
        comment, member = await comments.visible(session, str(event["commentId"]), user)
        actor = (await comment_reads.people(session, [], str(event["actorId"]))).get(str(event["actorId"]))
    if actor is None:
        return None
    (view,) = await comment_views(info, [comment], roles={comment.case_id: member.role})
    return CommentEvent(
        kind=CommentEventKind(event["kind"]),
        comment=view,
        actor=User.of(actor),
        at=datetime.fromisoformat(str(event["at"])),
    )


@strawberry.type
class CommentSubscriptions:
    @strawberry.subscription(
        description="Comments of a case as they are added, edited, resolved, reopened and deleted "
        "(members only: anyone else is refused with NOT_FOUND)."
    )
    async def comment_events(self, info: Info, case_id: strawberry.ID) -> AsyncGenerator[CommentEvent, None]:
        events = await live.case_events(info, str(case_id), topics.case_comments(str(case_id)))
        return live.mapped(events, lambda event: comment_event(info, event))
