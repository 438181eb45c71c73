"""Reading one comment (threads of a case are `Case.comments`)."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.comments import Comment, comment_views
from server.domain.comments import actions as comments


@strawberry.type
class CommentQueries:
    @strawberry.field(description="One comment with its thread; NOT_FOUND unless it is on one of your cases.")
    async def comment(self, info: Info, id: strawberry.ID) -> Comment:
        user = await info.context.user()
        async with info.context.read() as session:
            comment, member = await comments.visible(session, str(id), user)
        (view,) = await comment_views(info, [comment], roles={comment.case_id: member.role})
        return view
