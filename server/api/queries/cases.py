"""Reading cases."""

from __future__ import annotations

import strawberry
from sqlalchemy import select

from server.api.context import Info
from server.api.types.cases import Case, CaseConnection
from server.api.types.common import PageInfo
from server.domain.cases import actions as cases
from server.models import CaseMember


@strawberry.type
class CaseQueries:
    @strawberry.field(description="The cases you belong to, newest first.")
    async def cases(self, info: Info, first: int = 50, after: str | None = None) -> CaseConnection:
        user = await info.context.user()
        async with info.context.read() as session:
            page = await cases.my_cases(session, user, first=first, after=after)
            ids = [case.id for case in page.items]
            rows = await session.execute(
                select(CaseMember.case_id, CaseMember.role).where(
                    CaseMember.user_id == user.id, CaseMember.case_id.in_(ids)
                )
            )
            roles = dict(rows.all())  # not dict(rows): a Result has keys() and reads as a mapping
        return CaseConnection(
            nodes=[Case.of(case, roles[case.id]) for case in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )

    @strawberry.field(description="One case you belong to; NOT_FOUND otherwise.")
    async def case(self, info: Info, id: strawberry.ID) -> Case:
        case, member = await info.context.case_member(str(id))
        return Case.of(case, member.role)
