"""What subscribers of `painPointEvents(caseId)` hear: pain points of the case recorded, withdrawn, adopted.

Events name ids only; the subscription loads what they name as the subscriber. They go out through the
outbox, with the commit that made the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain import outbox
from server.infra import topics
from server.models import PainPoint
from server.models.base import utcnow

SUBMITTED = "SUBMITTED"
WITHDRAWN = "WITHDRAWN"
ADOPTED = "ADOPTED"


def _event(kind: str, pain_point_ids: list[str], actor_id: str) -> dict[str, Any]:
    return {"kind": kind, "painPointIds": pain_point_ids, "actorId": actor_id, "at": utcnow().isoformat()}


def recorded(pain_points: Iterable[PainPoint]) -> list[tuple[str, dict[str, Any]]]:
    """(topic, event) per case and author for newly stored pain points (duplicates included)."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for pain_point in pain_points:
        grouped.setdefault((pain_point.case_id, pain_point.author_id), []).append(pain_point.id)
    return [
        (topics.case_pain_points(case_id), _event(SUBMITTED, ids, author_id))
        for (case_id, author_id), ids in grouped.items()
    ]


def changed(kind: str, pain_point: PainPoint, actor_id: str) -> tuple[str, dict[str, Any]]:
    """(topic, event) for one pain point withdrawn or adopted by `actor_id`."""
    return topics.case_pain_points(pain_point.case_id), _event(kind, [pain_point.id], actor_id)


def queue(session: AsyncSession, items: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """Publish each (topic, event) once the session's transaction commits."""
    outbox.events(session, list(items))
