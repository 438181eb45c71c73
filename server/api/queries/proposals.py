"""Reading requirement proposals (R&D and admins of the team)."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.proposals import ProposalStatus, RequirementProposal, RequirementProposalConnection
from server.domain.proposals import actions as proposals
from server.domain.proposals.access import visible
from server.domain.proposals.documents import document, documents


@strawberry.type
class ProposalQueries:
    @strawberry.field(
        description="One requirement proposal of your team (R&D and admins); NOT_FOUND for anyone else."
    )
    async def requirement_proposal(self, info: Info, id: strawberry.ID) -> RequirementProposal:
        user = await info.context.user()
        async with info.context.read() as session:
            proposal = await visible(session, user, str(id))
            return RequirementProposal.of(await document(session, proposal))

    @strawberry.field(
        description="Your team's requirement proposals, newest first, optionally of one status (R&D and "
        "admins; FORBIDDEN for other roles)."
    )
    async def requirement_proposals(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        status: ProposalStatus | None = None,  # type: ignore[valid-type]
    ) -> RequirementProposalConnection:
        user = await info.context.user()
        chosen = models.ProposalStatus(status) if status is not None else None
        async with info.context.read() as session:
            page = await proposals.proposals(session, user, status=chosen, first=first, after=after)
            nodes = [RequirementProposal.of(doc) for doc in await documents(session, page.items)]
        return RequirementProposalConnection(
            nodes=nodes, page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor)
        )
