"""Reading one comment (threads of a case are `Case.comments`), and the comments a visibility policy opens
outside one's cases."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.comments import Comment, CommentConnection, comment_views
from server.api.types.common import PageInfo
from server.domain.comments import reach


@strawberry.type
class CommentQueries:
    @strawberry.field(
        description="One comment with its thread; NOT_FOUND unless it is on a case you may open or a "
        "visibility policy's COMMENTS view opens it (its scope, younger than its maxAgeDays)."
    )
    async def comment(self, info: Info, id: strawberry.ID) -> Comment:
        user = await info.context.user()
        async with info.context.read() as session:
            comment, role = await reach.readable(session, str(id), user)
        roles = {comment.case_id: role} if role is not None else {}
        closed = frozenset() if role is not None else frozenset({comment.case_id})
        (view,) = await comment_views(info, [comment], roles=roles, closed=closed)
        return view

    @strawberry.field(
        description="Comments (threads and replies) that your visibility policies' COMMENTS view opens: "
        "those of the cases in their scope (your regions', or the team's), younger than their maxAgeDays, "
        "newest first, read-only. Empty without such a policy."
    )
    async def policy_comments(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> CommentConnection:
        user = await info.context.user()
        async with info.context.read() as session:
            found = await reach.reached_comments(session, user, first=first, after=after)
        page = found.page
        closed = frozenset({c.case_id for c in page.items} - found.roles.keys())
        nodes = await comment_views(
            info, list(page.items), roles=found.roles, with_replies=False, closed=closed
        )
        return CommentConnection(
            nodes=nodes, page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor)
        )
