"""Commenting: threads on a passage or on the case, replies, edits, resolving and deleting.

Each mutation runs the domain action in one transaction; the action writes the comment event for the
case's subscribers and a notification event for each person notified into the outbox, with the change.
"""

from __future__ import annotations

import asyncio
import time

import strawberry

from server.api.context import Info
from server.api.types.comments import Comment, anchor_resolver, comment_views
from server.domain.comments import actions as comments
from server.domain.comments import anchors
from server.domain.comments.actions import Change
from server.domain.comments.anchors import Anchor, AnchorNotYetKnown
from server.domain.errors import BadInput

# How long addComment waits for the edits an anchor names to reach this server: the browser sends
# them over its sync socket a moment before the mutation, perhaps to another server.
ANCHOR_CATCH_UP_SECONDS = 2.0


@strawberry.input(description="Two base64 Yjs relative positions in the document's `body`.")
class CommentAnchorInput:
    start: str
    end: str


@strawberry.input(description="A passage of `Case.text`: characters start (included) to end (excluded).")
class TextRangeInput:
    start: int
    end: int


@strawberry.input
class AddCommentInput:
    case_id: strawberry.ID
    body: str = strawberry.field(description="Plain text; mention a case member as @[Name](userId).")
    anchor: CommentAnchorInput | None = strawberry.field(
        default=None,
        description="The passage as the browser sends it; without anchor and range: a case-level comment.",
    )
    range: TextRangeInput | None = strawberry.field(
        default=None,
        description="The passage as offsets into `Case.text`, for tools; the server makes the positions.",
    )
    quote: str | None = strawberry.field(
        default=None, description="The selected text; the text between the positions when left out."
    )


async def _view(info: Info, change: Change) -> Comment:
    (view,) = await comment_views(info, [change.comment])
    return view


async def _anchor(info: Info, case_id: str, input: AddCommentInput) -> Anchor | None:
    if input.anchor is not None and input.range is not None:
        raise BadInput("Send an anchor or a range, not both.")
    if input.range is not None:
        resolver = await anchor_resolver(info.context, case_id)
        return anchors.anchor_at(resolver, start=input.range.start, end=input.range.end, quote=input.quote)
    if input.anchor is None:
        return None
    return await _checked(info, case_id, input.anchor, input.quote)


async def _checked(info: Info, case_id: str, anchor: CommentAnchorInput, quote: str | None) -> Anchor:
    deadline = time.monotonic() + ANCHOR_CATCH_UP_SECONDS
    while True:
        resolver = await anchor_resolver(info.context, case_id)
        try:
            return anchors.check_anchor(resolver, start=anchor.start, end=anchor.end, quote=quote)
        except AnchorNotYetKnown:
            if time.monotonic() >= deadline:
                raise
            await asyncio.sleep(0.1)


@strawberry.type
class CommentMutations:
    @strawberry.mutation(description="Start a thread on a passage (anchor) or on the whole case.")
    async def add_comment(self, info: Info, input: AddCommentInput) -> Comment:
        user = await info.context.user()
        case_id = str(input.case_id)
        # Who may comment is checked before the document is read.
        async with info.context.read() as session:
            await comments.require_commenter(session, case_id, user)
        anchor = await _anchor(info, case_id, input)
        async with info.context.command() as session:
            change = await comments.add_comment(
                session, user, case_id=case_id, body=input.body, anchor=anchor
            )
        return await _view(info, change)

    @strawberry.mutation(description="Reply in a comment's thread.")
    async def reply_to_comment(self, info: Info, comment_id: strawberry.ID, body: str) -> Comment:
        user = await info.context.user()
        async with info.context.command() as session:
            change = await comments.reply(session, user, comment_id=str(comment_id), body=body)
        return await _view(info, change)

    @strawberry.mutation(description="Change the text of your own comment.")
    async def edit_comment(self, info: Info, comment_id: strawberry.ID, body: str) -> Comment:
        user = await info.context.user()
        async with info.context.command() as session:
            change = await comments.edit(session, user, comment_id=str(comment_id), body=body)
        return await _view(info, change)

    @strawberry.mutation(description="Resolve a thread (pass its first comment).")
    async def resolve_comment(self, info: Info, comment_id: strawberry.ID) -> Comment:
        user = await info.context.user()
        async with info.context.command() as session:
            change = await comments.resolve(session, user, comment_id=str(comment_id))
        return await _view(info, change)

    @strawberry.mutation(description="Open a resolved thread again.")
    async def reopen_comment(self, info: Info, comment_id: strawberry.ID) -> Comment:
        user = await info.context.user()
        async with info.context.command() as session:
            change = await comments.reopen(session, user, comment_id=str(comment_id))
        return await _view(info, change)

    @strawberry.mutation(
        description="Anchor a thread on where its passage is now, after an edit of yours wrote the passage "
        "anew (a paragraph split or joined, made a heading or a list item); owners and editors."
    )
    async def move_comment_anchor(
        self, info: Info, comment_id: strawberry.ID, anchor: CommentAnchorInput
    ) -> Comment:
        user = await info.context.user()
        async with info.context.read() as session:
            comment, _ = await comments.visible(session, str(comment_id), user)
            case_id, quote = comment.case_id, comment.quote
        checked = await _checked(info, case_id, anchor, quote)
        async with info.context.command() as session:
            change = await comments.move_anchor(session, user, comment_id=str(comment_id), anchor=checked)
        return await _view(info, change)

    @strawberry.mutation(description="Delete a comment (its author or a case owner); replies stay readable.")
    async def delete_comment(self, info: Info, comment_id: strawberry.ID) -> Comment:
        user = await info.context.user()
        async with info.context.command() as session:
            change = await comments.delete(session, user, comment_id=str(comment_id))
        return await _view(info, change)
