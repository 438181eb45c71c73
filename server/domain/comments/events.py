"""What subscribers of `commentEvents(caseId)` hear, and the notification owners of `notificationEvents`.

Events name ids only; the subscription loads what they name as the subscriber. They go out through the
outbox, with the commit that made the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import notifications as notices
from server.domain import outbox
from server.infra import topics
from server.models import Comment, Notification

ADDED = "ADDED"
EDITED = "EDITED"
RESOLVED = "RESOLVED"
REOPENED = "REOPENED"
DELETED = "DELETED"
# The passage moved (its anchor was written anew after an edit re-created its text).
MOVED = "MOVED"


def changed(
    session: AsyncSession,
    kind: str,
    comment: Comment,
    notifications: Iterable[Notification],
    actor_id: str,
    at: datetime,
) -> None:
    """Tell the case's subscribers about a comment change, and each notified person, on commit."""
    outbox.event(
        session,
        topics.case_comments(comment.case_id),
        {"kind": kind, "commentId": comment.id, "actorId": actor_id, "at": at.isoformat()},
    )
    notices.announce(session, notifications)
