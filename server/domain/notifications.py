"""Notifications: created inside the command that causes them, read and marked read by their recipient."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import outbox
from server.domain.errors import BadInput, NotFound
from server.domain.pagination import MAX_PAGE, Page, paginate
from server.infra import topics
from server.infra.ids import is_id
from server.models import CaseMember, Notification, NotificationKind, RedemptionStatus, User
from server.models.base import utcnow


async def notify(
    session: AsyncSession,
    recipients: Iterable[str],
    *,
    kind: NotificationKind,
    actor_id: str | None,
    case_id: str | None = None,
    comment_id: str | None = None,
    pain_point_id: str | None = None,
    redemption_id: str | None = None,
    redemption_decision: RedemptionStatus | None = None,
    knowledge_asset_id: str | None = None,
    asset_version: int | None = None,
    access_request_id: str | None = None,
) -> list[Notification]:
    """One notification per recipient (never the actor), in the caller's transaction."""
    created = [
        Notification(
            user_id=user_id,
            kind=kind,
            actor_id=actor_id,
            case_id=case_id,
            comment_id=comment_id,
            pain_point_id=pain_point_id,
            redemption_id=redemption_id,
            redemption_decision=redemption_decision,
            knowledge_asset_id=knowledge_asset_id,
            asset_version=asset_version,
            access_request_id=access_request_id,
        )
        for user_id in dict.fromkeys(recipients)
        if user_id != actor_id
    ]
    session.add_all(created)
    await session.flush()
    return created


def announce(session: AsyncSession, created: Iterable[Notification]) -> None:
    """Each recipient's bell hears of their new notification (on commit)."""
    for note in created:
        outbox.event(
            session, topics.user_notifications(note.user_id), {"kind": "CREATED", "notificationId": note.id}
        )


def _visible_to(user: User) -> ColumnElement[bool]:
    # A notification about a case stays visible only while its recipient is on that case.
    on_case = exists().where(CaseMember.case_id == Notification.case_id, CaseMember.user_id == user.id)
    return and_(Notification.user_id == user.id, or_(Notification.case_id.is_(None), on_case))


async def page(
    session: AsyncSession, user: User, *, first: int, after: str | None, unread_only: bool
) -> Page[Notification]:
    """The recipient's notifications, newest first."""
    query = select(Notification).where(_visible_to(user))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return await paginate(session, query, Notification.id, first=first, after=after)


async def unread_count(session: AsyncSession, user: User) -> int:
    query = select(func.count()).select_from(Notification).where(_visible_to(user))
    return int(await session.scalar(query.where(Notification.read_at.is_(None))) or 0)


async def mark_read(session: AsyncSession, user: User, ids: Sequence[str]) -> int:
    """Mark the given notifications read; NOT_FOUND if any of them is not the caller's."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return 0
    if len(wanted) > MAX_PAGE:
        raise BadInput(f"Mark at most {MAX_PAGE} notifications at a time.")
    rows = await session.execute(
        select(Notification.id, Notification.read_at).where(
            Notification.id.in_([i for i in wanted if is_id(i)]), _visible_to(user)
        )
    )
    found = dict(rows.all())
    missing = next((i for i in wanted if i not in found), None)
    if missing is not None:
        # The same answer for a missing id and for someone else's notification.
        raise NotFound(f"No notification with id {missing} is visible to you.")
    unread = [i for i in wanted if found[i] is None]
    if unread:
        await session.execute(
            update(Notification).where(Notification.id.in_(unread)).values(read_at=utcnow())
        )
        _read(session, user)
    return len(unread)


async def mark_all_read(session: AsyncSession, user: User) -> int:
    """Mark every unread notification of the caller read."""
    result = await session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    marked = int(getattr(result, "rowcount", 0) or 0)
    if marked:
        _read(session, user)
    return marked


def _read(session: AsyncSession, user: User) -> None:
    # Other tabs and devices of the same person update their badge (on commit).
    outbox.event(session, topics.user_notifications(user.id), {"kind": "READ"})
