"""Pain points, the gate's refusals and the rectification tickets that keep them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from server import models
from server.api.context import Info
from server.api.types.common import PageInfo
from server.domain.access.masking import mask_name
from server.domain.clusters import views as cluster_views
from server.domain.errors import NotFound
from server.domain.knowledge.redaction import mask_line
from server.domain.painpoints import access as painpoint_access
from server.domain.painpoints.actions import SubmissionResult
from server.domain.painpoints.quality import RejectionCode as _RejectionCode

if TYPE_CHECKING:
    from server.api.types.clusters import PainPointCluster

PainPointStatus = strawberry.enum(
    models.PainPointStatus,
    name="PainPointStatus",
    description="SUBMITTED (accepted), ADOPTED (taken into the roadmap by R&D), DUPLICATE (repeats an "
    "original of its case; not counted in clusters), REJECTED (withdrawn after acceptance).",
)
TicketStatus = strawberry.enum(
    models.TicketStatus, name="TicketStatus", description="OPEN until its author resubmits it successfully."
)
RejectionCode = strawberry.enum(
    _RejectionCode,
    name="RejectionCode",
    description="Why the quality gate refused a text; codes never change.",
)

_Cluster = Annotated["PainPointCluster", strawberry.lazy("server.api.types.clusters")]


@strawberry.type(description="One reason the quality gate refused a text, in words a person understands.")
class Rejection:
    code: RejectionCode  # type: ignore[valid-type]
    message: str


@strawberry.type(description="A customer pain point recorded in a case.")
class PainPoint:
    id: strawberry.ID
    text: str = strawberry.field(description="The text as accepted (normalised: trimmed, spaces collapsed).")
    status: PainPointStatus  # type: ignore[valid-type]
    case_id: strawberry.ID
    customer: str
    product: str | None
    tags: list[str]
    created_at: datetime
    adopted_at: datetime | None
    adoption_note: str | None
    withdrawn_at: datetime | None = strawberry.field(description="When it was withdrawn (status REJECTED).")
    withdrawal_reason: str | None = strawberry.field(description="Why it was withdrawn.")
    duplicate_similarity: float | None = strawberry.field(
        description="Cosine similarity to the original, for a DUPLICATE."
    )
    row: strawberry.Private[models.PainPoint]

    @classmethod
    def of(cls, row: models.PainPoint, *, masked: bool = False) -> PainPoint:
        """`row` as shown; `masked`: the customer masked (a visibility policy says so for this person), in
        its field and in the text, with the personal data the text holds."""
        return cls(
            id=strawberry.ID(row.id),
            text=mask_line(row.normalized_text, row.customer).text if masked else row.normalized_text,
            status=row.status,
            case_id=strawberry.ID(row.case_id),
            customer=mask_name(row.customer) if masked else row.customer,
            product=row.product,
            tags=list(row.tags),
            created_at=row.created_at,
            adopted_at=row.adopted_at,
            adoption_note=row.adoption_note,
            withdrawn_at=row.withdrawn_at,
            withdrawal_reason=row.withdrawal_reason,
            duplicate_similarity=row.duplicate_similarity,
            row=row,
        )

    @strawberry.field(description="Whether you submitted it.")
    async def submitted_by_me(self, info: Info) -> bool:
        return (await info.context.user()).id == self.row.author_id

    @strawberry.field(description="The original this pain point repeats (DUPLICATE only).")
    async def duplicate_of(self, info: Info) -> PainPoint | None:
        if self.row.duplicate_of is None:
            return None
        user = await info.context.user()
        async with info.context.read() as session:
            try:
                original = await painpoint_access.require_visible(session, self.row.duplicate_of, user)
                return (await shown(session, user, [original]))[0]
            except NotFound:
                return None

    @strawberry.field(
        description="Its cluster in the team's current run, as you see it (a duplicate shows its "
        "original's); null while unclustered."
    )
    async def cluster(self, info: Info) -> _Cluster | None:
        from server.api.types.clusters import PainPointCluster

        user = await info.context.user()
        async with info.context.read() as session:
            view = await cluster_views.cluster_of(session, user, self.row)
        return PainPointCluster.of(view, cluster_views.ClusterFilter()) if view is not None else None


async def shown(
    session: AsyncSession,
    user: models.User,
    rows: Sequence[models.PainPoint],
    view: models.AccessView = models.AccessView.PAIN_POINTS,
) -> list[PainPoint]:
    """Pain points read across cases, with the customer masked where `user`'s policies say so."""
    masked = await painpoint_access.masked_for(session, user, [row.id for row in rows], view)
    return [PainPoint.of(row, masked=row.id in masked) for row in rows]


@strawberry.type
class PainPointConnection:
    nodes: list[PainPoint]
    page_info: PageInfo


@strawberry.type(
    description="A refused submission kept for its author, with the original text and the reasons."
)
class RectificationTicket:
    id: strawberry.ID
    case_id: strawberry.ID
    text: str = strawberry.field(description="The original text, exactly as first submitted.")
    latest_text: str | None = strawberry.field(description="The last resubmitted text, if any.")
    reasons: list[Rejection] = strawberry.field(description="Why the latest text was refused.")
    status: TicketStatus  # type: ignore[valid-type]
    attempts: int
    customer: str
    product: str | None
    tags: list[str]
    created_at: datetime
    resubmitted_at: datetime | None
    pain_point_id: strawberry.Private[str | None]

    @classmethod
    def of(cls, row: models.RectificationTicket) -> RectificationTicket:
        return cls(
            id=strawberry.ID(row.id),
            case_id=strawberry.ID(row.case_id),
            text=row.original_text,
            latest_text=row.latest_text,
            reasons=[Rejection(code=_RejectionCode(r["code"]), message=r["message"]) for r in row.reasons],
            status=row.status,
            attempts=row.attempts,
            customer=row.customer,
            product=row.product,
            tags=list(row.tags),
            created_at=row.created_at,
            resubmitted_at=row.resubmitted_at,
            pain_point_id=row.pain_point_id,
        )

    @strawberry.field(description="The pain point its successful resubmission became.")
    async def pain_point(self, info: Info) -> PainPoint | None:
        if self.pain_point_id is None:
            return None
        user = await info.context.user()
        async with info.context.read() as session:
            try:
                found = await painpoint_access.require_visible(session, self.pain_point_id, user)
                return (await shown(session, user, [found]))[0]
            except NotFound:
                return None


@strawberry.type
class RectificationTicketConnection:
    nodes: list[RectificationTicket]
    page_info: PageInfo


@strawberry.type(description="The quality gate refused the text; the ticket keeps it for you to correct.")
class PainPointRejected:
    reasons: list[Rejection]
    ticket: RectificationTicket


PainPointResult = Annotated[
    PainPoint | PainPointRejected,
    strawberry.union("PainPointResult", description="The stored pain point, or why it was refused."),
]


def result_of(result: SubmissionResult) -> PainPoint | PainPointRejected:
    """One submission's outcome as the API answers it."""
    if result.pain_point is not None:
        return PainPoint.of(result.pain_point)
    assert result.ticket is not None
    return PainPointRejected(
        reasons=[Rejection(code=r.code, message=r.message) for r in result.rejections],
        ticket=RectificationTicket.of(result.ticket),
    )
