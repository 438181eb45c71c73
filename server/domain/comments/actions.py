"""Comment threads: adding, replying, editing, resolving, reopening and deleting, with the permission
rules and the notifications each one causes. Every id a caller passes is checked against their cases.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit, notifications
from server.domain.cases import actions as cases
from server.domain.comments import events as comment_events
from server.domain.comments.anchors import Anchor
from server.domain.comments.mentions import MAX_MENTIONS, mentions
from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.domain.points import awards
from server.infra.ids import is_id
from server.models import CaseMember, CaseRole, Comment, Notification, NotificationKind, User
from server.models.base import utcnow

MAX_BODY = 10_000
COMMENTERS = (CaseRole.OWNER, CaseRole.EDITOR, CaseRole.COMMENTER)
EDITORS = (CaseRole.OWNER, CaseRole.EDITOR)
# Line breaks and tabs are text; other control characters are not.
_ALLOWED_CONTROLS = {"\n", "\t"}


@dataclass(frozen=True)
class ThreadResolved:
    """A thread resolved by someone other than its author: the author's point was taken up (value
    points credit them; see the resolveComment mutation)."""

    comment_id: str
    case_id: str
    author_id: str
    resolver_id: str
    resolved_at: datetime


@dataclass(frozen=True)
class Change:
    """What a command did: the comment it touched and the notifications it created."""

    comment: Comment
    notifications: list[Notification] = field(default_factory=list)
    resolved_by_other: ThreadResolved | None = None


def clean_body(body: str) -> str:
    """A comment body as stored: trimmed, not empty, not too long, no control characters."""
    body = body.strip()
    if not body:
        raise BadInput("A comment needs some text.")
    if len(body) > MAX_BODY:
        raise BadInput(f"A comment holds at most {MAX_BODY} characters.")
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in body):
        raise BadInput("The comment contains control characters; send plain text.")
    return body


def _not_found(comment_id: str) -> NotFound:
    # The same answer for a missing comment and one on a case the caller is not on.
    return NotFound(f"No comment with id {comment_id} is visible to you.")


async def visible(session: AsyncSession, comment_id: str, user: User) -> tuple[Comment, CaseMember]:
    """A comment on a case the caller may open, with their membership (or the read-only one a visibility
    policy gives); NOT_FOUND otherwise."""
    if not is_id(comment_id):
        raise _not_found(comment_id)
    row = (
        await session.execute(
            select(Comment, CaseMember)
            .join(CaseMember, and_(CaseMember.case_id == Comment.case_id, CaseMember.user_id == user.id))
            .where(Comment.id == comment_id)
        )
    ).first()
    if row is not None:
        return row[0], row[1]
    # Not a member: a visibility policy may open the comment's case, read-only.
    comment = await session.get(Comment, comment_id)
    member = await cases.case_role(session, comment.case_id, user) if comment is not None else None
    if comment is None or member is None:
        raise _not_found(comment_id)
    return comment, member


def _require_commenter(member: CaseMember) -> None:
    if member.role not in COMMENTERS:
        raise Forbidden(f"Only owners, editors and commenters comment; you are a {member.role.value}.")


async def require_commenter(session: AsyncSession, case_id: str, user: User) -> None:
    """NOT_FOUND unless the caller is on the case, FORBIDDEN unless they may comment on it."""
    _, member = await cases.require_member(session, case_id, user)
    _require_commenter(member)


def _require_live(comment: Comment) -> None:
    if comment.deleted_at is not None:
        raise Conflict("This comment was deleted.")


async def _member_ids(session: AsyncSession, case_id: str) -> set[str]:
    rows = await session.execute(select(CaseMember.user_id).where(CaseMember.case_id == case_id))
    return set(rows.scalars())


async def _mentioned(session: AsyncSession, case_id: str, body: str) -> list[str]:
    """The members a body mentions; BAD_INPUT for a mention of anyone else."""
    found = mentions(body)
    if len(found) > MAX_MENTIONS:
        raise BadInput(f"Mention at most {MAX_MENTIONS} people in one comment.")
    members = await _member_ids(session, case_id) if found else set()
    for mention in found:
        if mention.user_id not in members:
            raise BadInput(f"@{mention.name} is not a member of this case; add them to the case first.")
    return [mention.user_id for mention in found]


async def add_comment(
    session: AsyncSession, user: User, *, case_id: str, body: str, anchor: Anchor | None
) -> Change:
    """Start a thread on a case, anchored on a passage or (without an anchor) about the whole case."""
    _, member = await cases.require_member(session, case_id, user)
    _require_commenter(member)
    body = clean_body(body)
    mentioned = await _mentioned(session, case_id, body)
    comment = Comment(
        case_id=case_id,
        author_id=user.id,
        body=body,
        anchor_start=anchor.start if anchor else None,
        anchor_end=anchor.end if anchor else None,
        quote=anchor.quote if anchor else None,
    )
    session.add(comment)
    await session.flush()
    created = await notifications.notify(
        session,
        mentioned,
        kind=NotificationKind.MENTION,
        actor_id=user.id,
        case_id=case_id,
        comment_id=comment.id,
    )
    return _announced(session, comment_events.ADDED, Change(comment, created), user.id, comment.created_at)


async def reply(session: AsyncSession, user: User, *, comment_id: str, body: str) -> Change:
    """Reply in the thread of `comment_id` (a reply to a reply joins the same thread)."""
    target, member = await visible(session, comment_id, user)
    _require_commenter(member)
    root = target if target.is_root else await session.get(Comment, target.root_id)
    assert root is not None
    _require_live(root)
    body = clean_body(body)
    mentioned = await _mentioned(session, root.case_id, body)
    comment = Comment(case_id=root.case_id, thread_id=root.id, author_id=user.id, body=body)
    session.add(comment)
    await session.flush()
    created = await notifications.notify(
        session,
        mentioned,
        kind=NotificationKind.MENTION,
        actor_id=user.id,
        case_id=root.case_id,
        comment_id=comment.id,
    )
    if root.author_id not in mentioned and root.author_id in await _member_ids(session, root.case_id):
        created += await notifications.notify(
            session,
            [root.author_id],
            kind=NotificationKind.REPLY,
            actor_id=user.id,
            case_id=root.case_id,
            comment_id=comment.id,
        )
    return _announced(session, comment_events.ADDED, Change(comment, created), user.id, comment.created_at)


async def edit(session: AsyncSession, user: User, *, comment_id: str, body: str) -> Change:
    """Change the text of your own comment; people newly mentioned are notified."""
    comment, member = await visible(session, comment_id, user)
    if comment.author_id != user.id:
        raise Forbidden("Only its author can edit a comment.")
    _require_commenter(member)
    _require_live(comment)
    body = clean_body(body)
    before = {mention.user_id for mention in mentions(comment.body)}
    mentioned = await _mentioned(session, comment.case_id, body)
    comment.body = body
    comment.edited_at = utcnow()
    await session.flush()
    created = await notifications.notify(
        session,
        [user_id for user_id in mentioned if user_id not in before],
        kind=NotificationKind.MENTION,
        actor_id=user.id,
        case_id=comment.case_id,
        comment_id=comment.id,
    )
    return _announced(
        session, comment_events.EDITED, Change(comment, created), user.id, comment.edited_at or utcnow()
    )


async def _thread_root(session: AsyncSession, user: User, comment_id: str) -> Comment:
    comment, member = await visible(session, comment_id, user)
    _require_commenter(member)
    if not comment.is_root:
        raise BadInput("Resolve or reopen the thread: pass the id of its first comment.")
    _require_live(comment)
    return comment


async def resolve(session: AsyncSession, user: User, *, comment_id: str) -> Change:
    """Mark a thread resolved (who and when)."""
    root = await _thread_root(session, user, comment_id)
    if root.resolved_at is not None:
        raise Conflict("This thread is already resolved.")
    root.resolved_at = utcnow()
    root.resolved_by = user.id
    await session.flush()
    credit = None
    created: list[Notification] = []
    if root.author_id != user.id:
        credit = ThreadResolved(root.id, root.case_id, root.author_id, user.id, root.resolved_at)
        if root.author_id in await _member_ids(session, root.case_id):
            created = await notifications.notify(
                session,
                [root.author_id],
                kind=NotificationKind.RESOLVED,
                actor_id=user.id,
                case_id=root.case_id,
                comment_id=root.id,
            )
    if credit is not None:
        # The author's point was taken up: value points, once per thread however often it is reopened.
        awards.queue_award(session, awards.comment_resolved(credit.comment_id, credit.author_id, user.id))
    return _announced(
        session, comment_events.RESOLVED, Change(root, created, credit), user.id, root.resolved_at
    )


async def reopen(session: AsyncSession, user: User, *, comment_id: str) -> Change:
    """Open a resolved thread again."""
    root = await _thread_root(session, user, comment_id)
    if root.resolved_at is None:
        raise Conflict("This thread is not resolved.")
    root.resolved_at = None
    root.resolved_by = None
    await session.flush()
    return _announced(session, comment_events.REOPENED, Change(root), user.id, utcnow())


async def delete(session: AsyncSession, user: User, *, comment_id: str) -> Change:
    """Soft-delete a comment (its author or a case owner); replies stay readable."""
    comment, member = await visible(session, comment_id, user)
    is_author = comment.author_id == user.id
    if not is_author and member.role is not CaseRole.OWNER:
        raise Forbidden("Only its author or a case owner can delete a comment.")
    _require_live(comment)
    comment.deleted_at = utcnow()
    comment.deleted_by = user.id
    await session.flush()
    if not is_author:
        # An owner removing someone else's words is a moderation decision: keep a trace of it.
        await audit.record(
            session,
            actor_id=user.id,
            action="comment.deleted_by_owner",
            subject=comment.id,
            data={
                "case_id": comment.case_id,
                "author_id": comment.author_id,
                "body_sha256": hashlib.sha256(comment.body.encode()).hexdigest(),
            },
        )
    return _announced(session, comment_events.DELETED, Change(comment), user.id, comment.deleted_at)


async def move_anchor(session: AsyncSession, user: User, *, comment_id: str, anchor: Anchor) -> Change:
    """Anchor a thread on the passage where an edit moved it (owners and editors, whose edits move text).

    The browser that splits or joins a paragraph, or turns it into a heading or a list, writes the moved
    text anew, and the old positions point at deleted text; it sends where the passage is now.
    """
    comment, member = await visible(session, comment_id, user)
    if member.role not in EDITORS:
        raise Forbidden(f"Only owners and editors move a passage; you are a {member.role.value}.")
    if not comment.is_root or comment.anchor_start is None:
        raise BadInput("Only a thread on a passage has an anchor: pass the id of its first comment.")
    _require_live(comment)
    comment.anchor_start = anchor.start
    comment.anchor_end = anchor.end
    await session.flush()
    return _announced(session, comment_events.MOVED, Change(comment), user.id, utcnow())


def _announced(session: AsyncSession, kind: str, change: Change, actor_id: str, at: datetime) -> Change:
    comment_events.changed(session, kind, change.comment, change.notifications, actor_id, at)
    return change


async def by_ids(session: AsyncSession, comment_ids: Sequence[str]) -> dict[str, Comment]:
    """Comments by id (no membership check: pass ids the caller may see)."""
    if not comment_ids:
        return {}
    rows = await session.execute(select(Comment).where(Comment.id.in_(set(comment_ids))))
    return {comment.id: comment for comment in rows.scalars()}
