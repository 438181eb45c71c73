"""Adopting a cluster as a requirement proposal, and editing proposals (R&D and admins of the team)."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.types.painpoints import PainPoint
from server.api.types.proposals import AdoptClusterPayload, ProposalStatus, RequirementProposal
from server.domain.proposals import actions as proposals
from server.domain.proposals.actions import ProposalChanges
from server.domain.proposals.documents import document


@strawberry.input(description="What to change; a field left out stays as it is.")
class UpdateRequirementProposalInput:
    title: str | None = None
    problem_statement: str | None = None
    status: ProposalStatus | None = None  # type: ignore[valid-type]

    def to_domain(self) -> ProposalChanges:
        return ProposalChanges(
            title=self.title,
            problem_statement=self.problem_statement,
            status=models.ProposalStatus(self.status) if self.status is not None else None,
        )


@strawberry.type
class ProposalMutations:
    @strawberry.mutation(
        description="Adopt a cluster of your team's current run (R&D and admins): its pain points are "
        "adopted as adoptPainPoint does (their authors earn points) and a requirement proposal is made "
        "with the evidence, in one transaction; webhooks hear PROPOSAL_CREATED and PAIN_POINT_ADOPTED. "
        "A cluster with a proposal already returns it unchanged (created: false)."
    )
    async def adopt_cluster(
        self, info: Info, id: strawberry.ID, note: str | None = None
    ) -> AdoptClusterPayload:
        user = await info.context.user()
        async with info.context.command() as session:
            adopted = await proposals.adopt_cluster(session, user, str(id), note)
            doc = await document(session, adopted.proposal)
        return AdoptClusterPayload(
            proposal=RequirementProposal.of(doc),
            created=adopted.created,
            adopted_pain_points=[PainPoint.of(row) for row in adopted.adopted],
        )

    @strawberry.mutation(
        description="Edit a proposal's title, problem statement or status; webhooks hear PROPOSAL_UPDATED "
        "when something changed."
    )
    async def update_requirement_proposal(
        self, info: Info, id: strawberry.ID, input: UpdateRequirementProposalInput
    ) -> RequirementProposal:
        user = await info.context.user()
        async with info.context.command() as session:
            proposal = await proposals.update_proposal(session, user, str(id), input.to_domain())
            doc = await document(session, proposal)
        return RequirementProposal.of(doc)
