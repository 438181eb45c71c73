"""Comment threads, their anchors resolved against the live document, and comment events."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Sequence
from datetime import datetime
from enum import Enum

import strawberry

from server import models
from server.api.context import Context, Info
from server.api.types.common import PageInfo
from server.api.types.users import User
from server.domain.access.masking import mask_cut_name
from server.domain.cases import actions as cases
from server.domain.comments import reach
from server.domain.comments import reads as comment_reads
from server.domain.comments.anchors import AnchorResolver
from server.domain.comments.mentions import mentions
from server.domain.comments.reads import CommentRow
from server.domain.knowledge.redaction import mask_line
from server.domain.users import Person


@strawberry.type(description="Where a comment's passage is now in the case's plain text (`Case.text`).")
class CommentAnchor:
    start: str = strawberry.field(description="The start as sent: a base64 Yjs relative position.")
    end: str = strawberry.field(description="The end as sent: a base64 Yjs relative position.")
    quote: str = strawberry.field(description="The text selected when the comment was made.")
    start_index: int | None = strawberry.field(
        description="Where the passage starts now (characters into `Case.text`); null when orphaned."
    )
    end_index: int | None = strawberry.field(description="Where it ends now (exclusive); null when orphaned.")
    current_quote: str | None = strawberry.field(
        description="The passage's text now (others may have edited it); null when orphaned."
    )
    orphaned: bool = strawberry.field(description="True when the passage was deleted from the document.")


@strawberry.type(description="A comment: the first of a thread (with its replies) or a reply.")
class Comment:
    id: strawberry.ID
    case_id: strawberry.ID
    thread_id: strawberry.ID = strawberry.field(
        description="The thread's first comment (its own id for one)."
    )
    body: str = strawberry.field(
        description="Plain text with mentions as @[Name](userId); empty once deleted."
    )
    deleted: bool
    author: User
    mentions: list[User] = strawberry.field(description="The people the body mentions.")
    created_at: datetime
    edited_at: datetime | None
    resolved_at: datetime | None = strawberry.field(description="When the thread was resolved; null if open.")
    resolved_by: User | None
    deleted_at: datetime | None
    anchor: CommentAnchor | None = strawberry.field(
        description="The passage a thread is about; null for a case-level comment and for replies."
    )
    replies: list[Comment] = strawberry.field(description="A thread's replies, oldest first (live ones).")
    viewer_can_edit: bool
    viewer_can_delete: bool
    viewer_can_resolve: bool


@strawberry.type
class CommentConnection:
    nodes: list[Comment]
    page_info: PageInfo


@strawberry.enum
class CommentEventKind(Enum):
    ADDED = "ADDED"
    EDITED = "EDITED"
    RESOLVED = "RESOLVED"
    REOPENED = "REOPENED"
    DELETED = "DELETED"
    MOVED = "MOVED"


@strawberry.type(description="A change to a case's comments, as it happens.")
class CommentEvent:
    kind: CommentEventKind
    comment: Comment = strawberry.field(description="The comment as it is after the change.")
    actor: User = strawberry.field(description="Who made the change.")
    at: datetime


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def anchor_view(
    comment: models.Comment | CommentRow, resolver: AnchorResolver | None, masked_for: str | None = None
) -> CommentAnchor | None:
    """A stored anchor resolved against the document (None: the comment has no anchor). `masked_for`: the
    customer the reader sees masked; the quotes are masked and no offsets are given (they index the live
    text, not the masked copy the reader has)."""
    if comment.anchor_start is None or comment.anchor_end is None:
        return None
    span = resolver.stored_span(comment.anchor_start, comment.anchor_end) if resolver is not None else None
    quote, current = comment.quote or "", span.text if span else None
    if masked_for is not None:
        quote = mask_cut_name(mask_line(quote, masked_for).text, masked_for)
        current = None if current is None else mask_cut_name(mask_line(current, masked_for).text, masked_for)
    return CommentAnchor(
        start=_b64(comment.anchor_start),
        end=_b64(comment.anchor_end),
        quote=quote,
        start_index=span.start if span and masked_for is None else None,
        end_index=span.end if span and masked_for is None else None,
        current_quote=current,
        orphaned=span is None,
    )


async def anchor_resolver(context: Context, case_id: str) -> AnchorResolver:
    """A resolver for the case's live document as it is now (one document read)."""
    services = context.services
    return services.anchors.resolver(case_id, *await services.rooms.read_doc_version(case_id))


async def comment_views(
    info: Info,
    rows: Sequence[models.Comment | CommentRow],
    *,
    roles: dict[str, models.CaseRole] | None = None,
    with_replies: bool = True,
    resolvers: dict[str, AnchorResolver] | None = None,
    replies: dict[str, list[CommentRow]] | None = None,
    people: dict[str, Person] | None = None,
    closed: frozenset[str] = frozenset(),
) -> list[Comment]:
    """The GraphQL view of `rows` for the signed-in user, loaded in a fixed number of queries and one
    document read per case (never one per comment); pass `resolvers`, the threads' `replies` and
    `people` already at hand. The documents of `closed` cases (whose comments alone a visibility policy
    opens) are not read: their anchors keep only the quote they were made with."""
    viewer = await info.context.user()
    known = resolvers or {}
    anchored = sorted({c.case_id for c in rows if c.anchor_start is not None} - known.keys() - closed)

    async def load() -> tuple[
        dict[str, list[CommentRow]], dict[str, Person], dict[str, models.CaseRole], dict[str, str]
    ]:
        async with info.context.read() as session:
            threads = replies
            if threads is None:
                roots = [c.id for c in rows if c.is_root]
                threads = await comment_reads.replies(session, roots) if with_replies else {}
            everyone = [*rows, *(reply for thread in threads.values() for reply in thread)]
            named = await comment_reads.people(session, everyone, known=people)
            found = (
                roles if roles is not None else await cases.roles(session, viewer, {c.case_id for c in rows})
            )
            masked = await reach.masked_customers(session, viewer, everyone)
        return threads, named, found, masked

    # The documents are read beside the queries, not after them.
    (threads, named, roles, masked), read = await asyncio.gather(
        load(), asyncio.gather(*(anchor_resolver(info.context, case_id) for case_id in anchored))
    )
    resolvers = {**known, **dict(zip(anchored, read, strict=True))}

    def view(comment: models.Comment | CommentRow, replies: list[Comment]) -> Comment:
        role = roles.get(comment.case_id)
        live = comment.deleted_at is None
        may_comment = role is not None and role.can_comment
        mine = comment.author_id == viewer.id
        resolver = resolvers.get(comment.case_id)
        customer = masked.get(comment.id)
        body = comment.body if customer is None else mask_line(comment.body, customer).text
        return Comment(
            id=strawberry.ID(comment.id),
            case_id=strawberry.ID(comment.case_id),
            thread_id=strawberry.ID(comment.root_id),
            body=body if live else "",
            deleted=not live,
            author=User.of(named[comment.author_id]),
            mentions=[User.of(named[m.user_id]) for m in mentions(comment.body) if m.user_id in named]
            if live
            else [],
            created_at=comment.created_at,
            edited_at=comment.edited_at,
            resolved_at=comment.resolved_at,
            resolved_by=User.of(named[comment.resolved_by]) if comment.resolved_by in named else None,
            deleted_at=comment.deleted_at,
            anchor=anchor_view(comment, resolver, customer),
            replies=replies,
            viewer_can_edit=live and mine and may_comment,
            viewer_can_delete=live and (mine or role is models.CaseRole.OWNER),
            viewer_can_resolve=live and comment.is_root and may_comment,
        )

    return [view(c, [view(r, []) for r in threads.get(c.id, [])]) for c in rows]


async def case_comments(
    info: Info, case_id: str, role: models.CaseRole, *, first: int, after: str | None, include_resolved: bool
) -> CommentConnection:
    """One page of a case's threads for a member whose role is known."""
    # Most pages hold anchored threads: read the document while the page is queried.
    resolver = asyncio.ensure_future(anchor_resolver(info.context, case_id))
    try:
        async with info.context.read() as session:
            found = await comment_reads.thread_page(
                session, case_id, first=first, after=after, include_resolved=include_resolved
            )
    except BaseException:
        resolver.cancel()
        await asyncio.gather(resolver, return_exceptions=True)
        raise
    page = found.page
    nodes = await comment_views(
        info,
        page.items,
        roles={case_id: role},
        resolvers={case_id: await resolver},
        replies=found.replies,
        people=found.authors,
    )
    return CommentConnection(
        nodes=nodes, page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor)
    )
