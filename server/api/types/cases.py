"""Cases and their members."""

from __future__ import annotations

from datetime import datetime

import strawberry

from server import models
from server.api.context import Info
from server.api.selection import selects
from server.api.types.comments import CommentConnection, case_comments
from server.api.types.common import PageInfo
from server.api.types.materials import Material, case_materials
from server.api.types.snapshots import SnapshotConnection
from server.api.types.users import User
from server.domain.cases import actions as case_actions
from server.domain.documents.text import plain_text
from server.domain.snapshots import actions as snapshots

CaseRole = strawberry.enum(models.CaseRole, name="CaseRole", description="What a member may do in one case.")


@strawberry.type
class CaseMember:
    user: User
    role: CaseRole  # type: ignore[valid-type]
    added_at: datetime

    @classmethod
    def of(cls, member: models.CaseMember, user: models.User) -> CaseMember:
        return cls(user=User.of(user), role=member.role, added_at=member.added_at)


@strawberry.type
class Case:
    id: strawberry.ID
    title: str
    customer: str
    created_at: datetime
    my_role: CaseRole  # type: ignore[valid-type]

    @classmethod
    def of(cls, case: models.Case, role: models.CaseRole) -> Case:
        return cls(
            id=strawberry.ID(case.id),
            title=case.title,
            customer=case.customer,
            created_at=case.created_at,
            my_role=role,
        )

    @strawberry.field(description="Plain text of the live document, one line per paragraph or heading.")
    async def text(self, info: Info) -> str:
        doc = await info.context.services.rooms.read_doc(str(self.id))
        return plain_text(doc)

    @strawberry.field(description="Comment threads, newest first; resolved ones only with includeResolved.")
    async def comments(
        self, info: Info, first: int = 50, after: str | None = None, include_resolved: bool = False
    ) -> CommentConnection:
        return await case_comments(
            info,
            str(self.id),
            models.CaseRole(self.my_role),
            first=first,
            after=after,
            include_resolved=include_resolved,
        )

    @strawberry.field
    async def members(self, info: Info) -> list[CaseMember]:
        async with info.context.read() as session:
            rows = await case_actions.members(session, str(self.id))
        return [CaseMember.of(member, user) for member, user in rows]

    @strawberry.field(description="Raw customer files on the case, newest first, as redacted summaries.")
    async def materials(self, info: Info) -> list[Material]:
        return await case_materials(info, str(self.id))

    @strawberry.field(description="Versions of the document, newest first.")
    async def snapshots(self, info: Info, first: int = 20, after: str | None = None) -> SnapshotConnection:
        # A Case is only ever built for a member, so the membership check is already done.
        with_text = selects(info, "nodes", "text")
        async with info.context.read() as session:
            page = await snapshots.page_of(
                session, str(self.id), first=first, after=after, with_text=with_text
            )
        return SnapshotConnection.of(page)


@strawberry.type
class CaseConnection:
    nodes: list[Case]
    page_info: PageInfo
