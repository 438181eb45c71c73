"""`painPointEvents(caseId)`: a case's pain points as they are recorded, withdrawn and adopted."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum

import strawberry

from server import models
from server.api import live
from server.api.context import Info
from server.api.types.painpoints import PainPoint, shown
from server.api.types.users import User
from server.domain.painpoints import access as painpoint_access
from server.domain.painpoints import events as painpoint_events
from server.infra import topics
from server.infra.events import Event


@strawberry.enum(description="What happened to pain points of a case.")
class PainPointEventKind(Enum):
    SUBMITTED = painpoint_events.SUBMITTED
    WITHDRAWN = painpoint_events.WITHDRAWN
    ADOPTED = painpoint_events.ADOPTED


@strawberry.type(description="Pain points of a case recorded (one submission), withdrawn or adopted.")
class PainPointEvent:
    kind: PainPointEventKind
    pain_points: list[PainPoint] = strawberry.field(description="As they are now (only those you may see).")
    actor: User | None = strawberry.field(description="Who recorded, withdrew or adopted them.")
    at: datetime


async def _view(info: Info, case_id: str, event: Event) -> PainPointEvent | None:
    user = await info.context.user()
    ids = [str(i) for i in event.get("painPointIds") or []]
    async with info.context.read() as session:
        found = await painpoint_access.visible_in_case(session, user, case_id, ids)
        actor = await session.get(models.User, str(event.get("actorId"))) if found else None
        pain_points = await shown(session, user, found)
    if not found:
        return None
    return PainPointEvent(
        kind=PainPointEventKind(event["kind"]),
        pain_points=pain_points,
        actor=User.of(actor) if actor is not None else None,
        at=datetime.fromisoformat(str(event["at"])),
    )


@strawberry.type
class PainPointSubscriptions:
    @strawberry.subscription(
        description="A case's pain points as they are recorded (by anyone, duplicates included), withdrawn "
        "or adopted, on any server (members only: anyone else is refused with NOT_FOUND)."
    )
    async def pain_point_events(
        self, info: Info, case_id: strawberry.ID
    ) -> AsyncGenerator[PainPointEvent, None]:
        events = await live.case_events(info, str(case_id), topics.case_pain_points(str(case_id)))
        return live.mapped(events, lambda event: _view(info, str(case_id), event))
