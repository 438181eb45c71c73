"""Who reads and shapes requirement proposals: R&D and admins of the team.

A proposal's evidence quotes pain points of every case of the team (text, case, customer, author), which
only R&D read across cases; admins govern the team. Everyone else is FORBIDDEN from acting and gets
NOT_FOUND for an id, as for another team's proposal (which answers NOT_FOUND to everyone).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import Forbidden, NotFound
from server.infra.ids import is_id
from server.models import RequirementProposal, User, UserRole

ROLES = (UserRole.RD, UserRole.ADMIN)


def reader_team(user: User) -> str | None:
    """The team whose proposals `user` reads, or None."""
    return user.team_id if user.role in ROLES else None


def require_team(user: User, what: str) -> str:
    """The team of an R&D person or admin; FORBIDDEN for anyone else."""
    team_id = reader_team(user)
    if team_id is None:
        raise Forbidden(f"Only R&D and admins of a team can {what}; you are {user.role.value}.")
    return team_id


def not_found(proposal_id: str) -> NotFound:
    return NotFound(f"No requirement proposal with id {proposal_id} is visible to you.")


async def visible(
    session: AsyncSession, user: User, proposal_id: str, *, for_update: bool = False
) -> RequirementProposal:
    """The proposal if `user` may read it; NOT_FOUND otherwise (also for a malformed id)."""
    team_id = reader_team(user)
    proposal = (
        await session.get(RequirementProposal, proposal_id, with_for_update=for_update)
        if team_id is not None and is_id(proposal_id)
        else None
    )
    if proposal is None or proposal.team_id != team_id:
        raise not_found(proposal_id)
    return proposal
