"""Who may see a material and its access requests: the members of its case, and the legal people of the
case's team (who approve, so they must see what they approve). Anyone else gets NOT_FOUND, as for a missing
id."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.errors import Forbidden, NotFound
from server.infra.ids import is_id
from server.models import Case, CaseMember, CaseRole, Material, User, UserRole


@dataclass(frozen=True)
class Seat:
    """A person's place around one material."""

    material: Material
    case: Case
    role: CaseRole | None
    """Their role on the case; None for a legal person of the team who is not on it."""
    legal: bool

    @property
    def owner(self) -> bool:
        return self.role is CaseRole.OWNER

    @property
    def decides(self) -> bool:
        """May reject, revoke and read the access log: the case owner or legal."""
        return self.owner or self.legal


def subject(material_id: str) -> str:
    """The audit subject of a material's events."""
    return f"material:{material_id}"


def is_legal_of(user: User, case: Case) -> bool:
    """True for an active legal person of the case's team."""
    return (
        user.active
        and user.role is UserRole.LEGAL
        and case.team_id is not None
        and user.team_id == case.team_id
    )


def material_not_found(material_id: str) -> NotFound:
    return NotFound(f"No material with id {material_id} is visible to you.")


# One round trip: every access command and read starts here.
_SEAT = (
    select(Material, Case, CaseMember.role)
    .join(Case, Case.id == Material.case_id)
    .outerjoin(CaseMember, (CaseMember.case_id == Case.id) & (CaseMember.user_id == bindparam("user_id")))
    .where(Material.id == bindparam("material_id"))
)


async def seat(session: AsyncSession, material_id: str, user: User) -> Seat:
    """The caller's seat at a material; NOT_FOUND when it is missing or they may not see it."""
    if not is_id(material_id) or not user.active:
        raise material_not_found(material_id)
    row = (await session.execute(_SEAT, {"material_id": material_id, "user_id": user.id})).first()
    if row is None:
        raise material_not_found(material_id)
    material, case, role = row
    legal = is_legal_of(user, case)
    if role is None and not legal:
        raise material_not_found(material_id)
    return Seat(material, case, role, legal)


def require_decider(seat: Seat, doing: str) -> None:
    """FORBIDDEN unless the caller is an owner of the case or legal."""
    if not seat.decides:
        raise Forbidden(f"Only an owner of the case or legal can {doing}.")
