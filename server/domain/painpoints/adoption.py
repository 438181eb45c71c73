"""R&D taking pain points into the roadmap: one (adoptPainPoint) or a whole cluster's (adoptCluster).

Both go the same way, in the caller's transaction: status ADOPTED with who and why, the author's award,
the author notified (one notification per pain point: each names its own text and case), the case's
subscribers told, the team's webhooks sent `PAIN_POINT_ADOPTED`, and one audit event per pain point, written
last (the chain's lock is held until the commit).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import audit, notifications
from server.domain.errors import BadInput
from server.domain.painpoints import events as painpoint_events
from server.domain.points import awards
from server.domain.points.awards import AwardRequest
from server.domain.webhooks import events as webhook_events
from server.models import NotificationKind, PainPoint, PainPointStatus, User
from server.models.base import utcnow

MAX_NOTE = 2000


def clean_note(note: str | None) -> str | None:
    """The adoption note, trimmed (None when empty); BAD_INPUT when too long."""
    cleaned = (note or "").strip() or None
    if cleaned is not None and len(cleaned) > MAX_NOTE:
        raise BadInput(f"The note is longer than {MAX_NOTE} characters.")
    return cleaned


async def adopt_all(
    session: AsyncSession,
    user: User,
    pain_points: Sequence[PainPoint],
    note: str | None,
    *,
    proposal_id: str | None = None,
) -> list[AwardRequest]:
    """Mark these (SUBMITTED) pain points adopted and queue what follows; returns their awards.

    `audit_all` writes their audit events."""
    if not pain_points:
        return []
    now = utcnow()
    for pain_point in pain_points:
        pain_point.status = PainPointStatus.ADOPTED
        pain_point.adopted_at = now
        pain_point.adopted_by = user.id
        pain_point.adoption_note = note
    await session.flush()
    requests = [awards.pain_point_adopted(p.id, p.author_id, user.id) for p in pain_points]
    for request in requests:
        awards.queue_award(session, request)
    for pain_point in pain_points:
        created = await notifications.notify(
            session,
            [pain_point.author_id],
            kind=NotificationKind.PAIN_POINT_ADOPTED,
            actor_id=user.id,
            case_id=pain_point.case_id,
            pain_point_id=pain_point.id,
        )
        notifications.announce(session, created)
    painpoint_events.queue(
        session, [painpoint_events.changed(painpoint_events.ADOPTED, p, user.id) for p in pain_points]
    )
    by_team: dict[str, list[PainPoint]] = {}
    for pain_point in pain_points:
        if pain_point.team_id is not None:
            by_team.setdefault(pain_point.team_id, []).append(pain_point)
    for team_id, adopted in by_team.items():
        data = {"painPoints": [document(p) for p in adopted], "proposalId": proposal_id}
        await webhook_events.emit(session, team_id, webhook_events.PAIN_POINT_ADOPTED, data)
    return requests


async def audit_all(
    session: AsyncSession,
    user: User,
    pain_points: Sequence[PainPoint],
    note: str | None,
    *,
    proposal_id: str | None = None,
) -> None:
    """One `pain_point.adopted` audit event per pain point."""
    for pain_point in pain_points:
        data: dict[str, Any] = {
            "author_id": pain_point.author_id,
            "case_id": pain_point.case_id,
            "note": note,
        }
        if proposal_id is not None:
            data["proposal_id"] = proposal_id
        await audit.record(
            session, actor_id=user.id, action="pain_point.adopted", subject=pain_point.id, data=data
        )


def document(pain_point: PainPoint) -> dict[str, Any]:
    """An adopted pain point as webhooks send it."""
    return {
        "id": pain_point.id,
        "text": pain_point.normalized_text,
        "caseId": pain_point.case_id,
        "customer": pain_point.customer,
        "product": pain_point.product,
        "tags": list(pain_point.tags),
        "authorId": pain_point.author_id,
        "createdAt": _iso(pain_point.created_at),
        "adoptedAt": _iso(pain_point.adopted_at),
        "adoptedBy": pain_point.adopted_by,
        "note": pain_point.adoption_note,
    }


def _iso(moment: Any) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None
