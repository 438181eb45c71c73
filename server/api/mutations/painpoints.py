"""Submitting pain points (through the quality gate), resubmitting refused ones, adopting them (R&D)."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.painpoints import PainPoint, PainPointResult, result_of
from server.domain.painpoints import actions as painpoints
from server.domain.painpoints.actions import SubmissionInput
from server.domain.painpoints.config import MAX_BATCH


@strawberry.input(description="A customer pain point for a case you may comment on.")
class PainPointInput:
    case_id: strawberry.ID
    text: str
    customer: str | None = strawberry.field(default=None, description="Defaults to the case's customer.")
    product: str | None = None
    tags: list[str] | None = None

    def to_domain(self) -> SubmissionInput:
        return SubmissionInput(
            case_id=str(self.case_id),
            text=self.text,
            customer=self.customer,
            product=self.product,
            tags=tuple(self.tags or ()),
        )


@strawberry.type
class PainPointMutations:
    @strawberry.mutation(
        description="Record a customer pain point (owners, editors and commenters of the case). Refused text "
        "comes back with the reasons and a rectification ticket; a near-copy of one already in the case is "
        "stored as DUPLICATE, linked to it."
    )
    async def submit_pain_point(self, info: Info, input: PainPointInput) -> PainPointResult:
        (result,) = await _submit(info, [input])
        return result

    @strawberry.mutation(
        description=f"Submit up to {MAX_BATCH} pain points at once; one result per input, in order."
    )
    async def submit_pain_points(self, info: Info, inputs: list[PainPointInput]) -> list[PainPointResult]:
        return await _submit(info, inputs)

    @strawberry.mutation(description="Correct the text of one of your open rectification tickets.")
    async def resubmit_ticket(self, info: Info, id: strawberry.ID, text: str) -> PainPointResult:
        user = await info.context.user()
        return result_of(await info.context.services.painpoints.resubmit(user, str(id), text))

    @strawberry.mutation(
        description="R&D take a pain point of their team into the roadmap (status ADOPTED); its author "
        "earns value points. Adopting it again changes nothing."
    )
    async def adopt_pain_point(self, info: Info, id: strawberry.ID, note: str | None = None) -> PainPoint:
        user = await info.context.user()
        async with info.context.command() as session:
            pain_point, _ = await painpoints.adopt(session, user, str(id), note)
        return PainPoint.of(pain_point)

    @strawberry.mutation(
        description="Withdraw a pain point (its author or the case's owner), saying why: status REJECTED, "
        "what it earned is reversed, it leaves the clusters. Withdrawing it again changes nothing."
    )
    async def withdraw_pain_point(self, info: Info, id: strawberry.ID, reason: str) -> PainPoint:
        user = await info.context.user()
        async with info.context.command() as session:
            pain_point, _ = await painpoints.withdraw(session, user, str(id), reason)
        return PainPoint.of(pain_point)


async def _submit(info: Info, inputs: list[PainPointInput]) -> list[PainPointResult]:
    user = await info.context.user()
    results = await info.context.services.painpoints.submit(user, [item.to_domain() for item in inputs])
    return [result_of(result) for result in results]
