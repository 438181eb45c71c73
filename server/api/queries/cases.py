"""Reading cases: the searchable, filterable list and one case."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.types.cases import Case, CaseConnection, CaseRole
from server.api.types.common import PageInfo
from server.domain.access import cases as access_cases
from server.domain.cases import listing


@strawberry.type
class CaseQueries:
    @strawberry.field(
        description=(
            "The cases you belong to, and those a visibility policy opens to you (read-only), newest "
            "first. `query`: every word must appear in the title, the "
            "customer or the document text (substring, any case; Chinese works without spaces). "
            "`customer`: exactly this customer. `myRole`: only cases where you have this role. "
            "`archived`: false (default) open cases, true archived ones, null both. "
            "BAD_INPUT for a query over 200 characters or 10 words."
        )
    )
    async def cases(
        self,
        info: Info,
        first: int = 50,
        after: str | None = None,
        query: str | None = None,
        customer: str | None = None,
        my_role: CaseRole | None = None,  # type: ignore[valid-type]
        archived: bool | None = False,
    ) -> CaseConnection:
        wanted = listing.filters(
            query=query,
            customer=customer,
            role=models.CaseRole(my_role) if my_role is not None else None,
            archived=archived,
        )
        user = await info.context.user()
        async with info.context.read() as session:
            page = await listing.list_cases(session, user, wanted, first=first, after=after)
        return CaseConnection(
            nodes=[Case.of_listed(item) for item in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )

    @strawberry.field(description="The customers of your cases (archived ones too), for the list's filter.")
    async def case_customers(self, info: Info) -> list[str]:
        user = await info.context.user()
        async with info.context.read() as session:
            return await listing.customers(session, user)

    @strawberry.field(
        description="One case you belong to or a visibility policy opens to you; NOT_FOUND otherwise."
    )
    async def case(self, info: Info, id: strawberry.ID) -> Case:
        case, member = await info.context.case_member(str(id))
        if member.role is not models.CaseRole.VIEWER:
            return Case.of(case, member.role)
        async with info.context.read() as session:
            masked = await access_cases.shows_masked(session, case, await info.context.user())
        return Case.of(case, member.role, masked=masked)
