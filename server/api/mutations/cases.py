"""Opening cases and managing their members."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.types.cases import Case, CaseMember, CaseRole
from server.domain.cases import actions as cases


@strawberry.input
class CreateCaseInput:
    title: str
    customer: str


@strawberry.type
class CaseMutations:
    @strawberry.mutation(description="Open a case; you become its owner.")
    async def create_case(self, info: Info, input: CreateCaseInput) -> Case:
        user = await info.context.user()
        async with info.context.command() as session:
            case = await cases.create_case(session, user, title=input.title, customer=input.customer)
        return Case.of(case, models.CaseRole.OWNER)

    @strawberry.mutation(description="Add a teammate to a case, or change their role (owners only).")
    async def add_case_member(
        self,
        info: Info,
        case_id: strawberry.ID,
        user_id: strawberry.ID,
        role: CaseRole,  # type: ignore[valid-type]
    ) -> CaseMember:
        user = await info.context.user()
        async with info.context.command() as session:
            member = await cases.add_member(
                session, user, case_id=str(case_id), member_id=str(user_id), role=models.CaseRole(role)
            )
            target = await session.get(models.User, member.user_id)
            assert target is not None
        info.context.services.rooms.set_access(str(case_id), target.id, member.role.can_edit)
        return CaseMember.of(member, target)
