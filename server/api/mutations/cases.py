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
    region: str | None = strawberry.field(default=None, description="One of the team's regions.")


@strawberry.input
class UpdateCaseInput:
    title: str | None = None
    customer: str | None = None
    region: str | None = strawberry.field(
        default=strawberry.UNSET,
        description='One of the team\'s regions; null or "" clears it; left out, it stays.',
    )


@strawberry.type
class CaseMutations:
    @strawberry.mutation(description="Open a case; you become its owner.")
    async def create_case(self, info: Info, input: CreateCaseInput) -> Case:
        user = await info.context.user()
        async with info.context.command() as session:
            case = await cases.create_case(
                session, user, title=input.title, customer=input.customer, region=input.region
            )
        return Case.of(case, models.CaseRole.OWNER)

    @strawberry.mutation(
        description="Rename a case, change its customer or its region (owners only); left-out fields stay."
    )
    async def update_case(self, info: Info, id: strawberry.ID, input: UpdateCaseInput) -> Case:
        user = await info.context.user()
        region = cases.KEEP if input.region is strawberry.UNSET else input.region
        async with info.context.command() as session:
            case = await cases.update_case(
                session, user, str(id), title=input.title, customer=input.customer, region=region
            )
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

    @strawberry.mutation(
        description="Archive a case: it leaves the list unless asked for (owners only; CONFLICT if archived)."
    )
    async def archive_case(self, info: Info, case_id: strawberry.ID) -> Case:
        return await _set_archived(info, str(case_id), archived=True)

    @strawberry.mutation(
        description="Bring an archived case back to the list (owners only; CONFLICT if open)."
    )
    async def unarchive_case(self, info: Info, case_id: strawberry.ID) -> Case:
        return await _set_archived(info, str(case_id), archived=False)


async def _set_archived(info: Info, case_id: str, *, archived: bool) -> Case:
    user = await info.context.user()
    async with info.context.command() as session:
        case = await cases.set_archived(session, user, case_id, archived=archived)
    return Case.of(case, models.CaseRole.OWNER)
