"""Orders won and large adjustments, and the approval each waits for."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from sqlalchemy import select

from server import models
from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.points import PointEntry
from server.api.types.users import User
from server.domain.points.order_approvals import OrderView

ApprovalStatus = strawberry.enum(
    models.ApprovalStatus,
    name="ApprovalStatus",
    description="PENDING until a second person APPROVED it (only then are points written) or REJECTED it.",
)


async def _person(info: Info, user_id: str | None) -> User | None:
    if user_id is None:
        return None
    async with info.context.read() as session:
        user = await session.get(models.User, user_id)
    return User.of(user) if user is not None else None


async def _people(info: Info, user_ids: list[str]) -> list[User]:
    async with info.context.read() as session:
        rows = {
            u.id: u
            for u in (await session.scalars(select(models.User).where(models.User.id.in_(user_ids)))).all()
        }
    return [User.of(rows[user_id]) for user_id in user_ids if user_id in rows]


@strawberry.type(description="An order won on a case, the pain points it credits and its approval.")
class OrderWon:
    id: strawberry.ID
    case_id: strawberry.ID
    amount: Decimal
    reference: str | None = strawberry.field(description="The order number; unique within the team.")
    created_at: datetime
    pain_point_ids: list[strawberry.ID]
    status: ApprovalStatus = strawberry.field(  # type: ignore[valid-type]
        description="ORDER_WON is awarded only once an approver APPROVED the order."
    )
    decided_at: datetime | None
    decision_note: str | None = strawberry.field(description="Why the order was rejected.")
    awards_queued: int = strawberry.field(
        description="ORDER_WON awards this call queued: some on approval, none when recording "
        "(nor for the recorder's own pain points)."
    )
    created: bool = strawberry.field(description="False when the reference was recorded before.")
    recorded_by_id: strawberry.Private[str]
    decided_by_id: strawberry.Private[str | None]
    author_ids: strawberry.Private[list[str]]

    @classmethod
    def of(cls, view: OrderView, *, created: bool = False) -> OrderWon:
        order = view.order
        return cls(
            id=strawberry.ID(order.id),
            case_id=strawberry.ID(order.case_id),
            amount=order.amount,
            reference=order.reference,
            created_at=order.created_at,
            pain_point_ids=[strawberry.ID(pain_id) for pain_id in sorted(view.credited)],
            status=order.status,
            decided_at=order.decided_at,
            decision_note=order.decision_note,
            awards_queued=len(view.awards),
            created=created,
            recorded_by_id=order.recorded_by,
            decided_by_id=order.decided_by,
            author_ids=sorted(set(view.credited.values())),
        )

    @strawberry.field(description="The case owner who recorded it.")
    async def recorded_by(self, info: Info) -> User | None:
        return await _person(info, self.recorded_by_id)

    @strawberry.field(description="Who approved or rejected it.")
    async def decided_by(self, info: Info) -> User | None:
        return await _person(info, self.decided_by_id)

    @strawberry.field(description="The authors of the credited pain points: who earns on approval.")
    async def credited_authors(self, info: Info) -> list[User]:
        return await _people(info, self.author_ids)


@strawberry.type
class OrderWonConnection:
    nodes: list[OrderWon]
    page_info: PageInfo


@strawberry.type(description="An HR adjustment above the approval threshold, waiting for a second HR person.")
class PointAdjustmentRequest:
    id: strawberry.ID
    delta: int
    reason: str
    status: ApprovalStatus  # type: ignore[valid-type]
    created_at: datetime
    decided_at: datetime | None
    decision_note: str | None = strawberry.field(description="Why the adjustment was rejected.")
    user_id: strawberry.Private[str]
    requested_by_id: strawberry.Private[str]
    decided_by_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, request: models.AdjustmentRequest) -> PointAdjustmentRequest:
        return cls(
            id=strawberry.ID(request.id),
            delta=request.delta,
            reason=request.reason,
            status=request.status,
            created_at=request.created_at,
            decided_at=request.decided_at,
            decision_note=request.decision_note,
            user_id=request.user_id,
            requested_by_id=request.requested_by,
            decided_by_id=request.decided_by,
        )

    @strawberry.field(description="The person whose points it adjusts.")
    async def user(self, info: Info) -> User | None:
        return await _person(info, self.user_id)

    @strawberry.field(description="The HR person who asked for it.")
    async def requested_by(self, info: Info) -> User | None:
        return await _person(info, self.requested_by_id)

    @strawberry.field(description="Who approved or rejected it.")
    async def decided_by(self, info: Info) -> User | None:
        return await _person(info, self.decided_by_id)


@strawberry.type
class PointAdjustmentRequestConnection:
    nodes: list[PointAdjustmentRequest]
    page_info: PageInfo


@strawberry.type(
    description="An adjustment's outcome: the entry written at once, or the request waiting for a second "
    "approver (above the approval threshold)."
)
class PointAdjustment:
    entry: PointEntry | None
    request: PointAdjustmentRequest | None
