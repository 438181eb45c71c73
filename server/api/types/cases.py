"""Cases and their members."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from server import models
from server.api.context import Info
from server.api.selection import selects
from server.api.types.comments import CommentConnection, case_comments
from server.api.types.common import PageInfo
from server.api.types.masked_documents import masked_copy
from server.api.types.materials import Material, case_materials
from server.api.types.snapshots import SnapshotConnection
from server.api.types.users import User
from server.domain.access import cases as access_cases
from server.domain.access.masking import mask_customer_in, mask_name
from server.domain.cases import actions as case_actions
from server.domain.cases import listing
from server.domain.documents.text import plain_text
from server.domain.errors import NotFound
from server.domain.knowledge import reads as knowledge_reads
from server.domain.snapshots import actions as snapshots

if TYPE_CHECKING:
    from server.api.types.knowledge import KnowledgeOrigin

CaseRole = strawberry.enum(models.CaseRole, name="CaseRole", description="What a member may do in one case.")


@strawberry.type
class CaseMember:
    user: User
    role: CaseRole  # type: ignore[valid-type]
    added_at: datetime

    @classmethod
    def of(cls, member: models.CaseMember, user: models.User) -> CaseMember:
        return cls(user=User.of(user), role=member.role, added_at=member.added_at)


@strawberry.type(
    description="One reason you may open a case: your membership (and its role), or a visibility policy that "
    "opens it read-only (its name and end)."
)
class CaseAccessVia:
    membership: bool
    role: CaseRole  # type: ignore[valid-type]
    policy_id: strawberry.ID | None
    policy_name: str | None
    valid_until: datetime | None


@strawberry.type
class Case:
    id: strawberry.ID
    title: str
    customer: str
    region: str | None
    created_at: datetime
    my_role: CaseRole  # type: ignore[valid-type]
    archived_at: datetime | None = strawberry.field(
        description="When an owner archived the case; null while it is open."
    )
    # The list's view of the case when it was read with it (the `cases` query), else read on demand.
    listed: strawberry.Private[listing.ListedCase | None] = None
    # Only policies that mask the customer open it: the document and its versions are shown redacted.
    masked: strawberry.Private[bool] = False
    customer_as_written: strawberry.Private[str] = ""

    @classmethod
    def of(cls, case: models.Case, role: models.CaseRole, *, masked: bool = False) -> Case:
        """`masked`: a visibility policy shows the customer masked ("A*** Retail"), in the title too, and
        the document's text, copy and versions redacted."""
        return cls(
            id=strawberry.ID(case.id),
            title=mask_customer_in(case.title, case.customer) if masked else case.title,
            customer=mask_name(case.customer) if masked else case.customer,
            region=case.region,
            created_at=case.created_at,
            my_role=role,
            archived_at=case.archived_at,
            masked=masked,
            customer_as_written=case.customer,
        )

    @classmethod
    def of_listed(cls, listed: listing.ListedCase) -> Case:
        case = cls.of(listed.case, listed.role, masked=listed.masked)
        case.listed = listed
        return case

    async def _listed(self, info: Info) -> listing.ListedCase | None:
        if self.listed is None:
            user = await info.context.user()
            async with info.context.read() as session:
                self.listed = (await listing.details(session, user, [str(self.id)])).get(str(self.id))
        return self.listed

    @strawberry.field(description="The first lines of the document's text (a few seconds behind live edits).")
    async def preview(self, info: Info) -> str:
        listed = await self._listed(info)
        return listed.preview if listed else ""

    @strawberry.field(description="When the document was last changed; null while it was never edited.")
    async def last_edited_at(self, info: Info) -> datetime | None:
        listed = await self._listed(info)
        return listed.last_edited_at if listed else None

    @strawberry.field(
        description="Who made the document's last change; null when never edited or the server did."
    )
    async def last_editor(self, info: Info) -> User | None:
        listed = await self._listed(info)
        return User.of(listed.last_editor) if listed and listed.last_editor else None

    @strawberry.field(
        description="Why you may open this case: your membership, then every visibility policy that opens it."
    )
    async def access_reasons(self, info: Info) -> list[CaseAccessVia]:
        user = await info.context.user()
        async with info.context.read() as session:
            found = await access_cases.reasons(session, str(self.id), user)
        if not found:
            raise NotFound(f"No case with id {self.id} is visible to you.")
        return [
            CaseAccessVia(
                membership=reason.membership,
                role=reason.role,
                policy_id=strawberry.ID(reason.grant.policy_id) if reason.grant else None,
                policy_name=reason.grant.name if reason.grant else None,
                valid_until=reason.grant.valid_until if reason.grant else None,
            )
            for reason in found
        ]

    @strawberry.field(
        description="Why you may open this case (a membership, or the first visibility policy).",
        deprecation_reason="Names one reason only; use accessReasons, which lists them all.",
    )
    async def access_via(self, info: Info) -> CaseAccessVia:
        user = await info.context.user()
        async with info.context.read() as session:
            reason = await access_cases.why(session, str(self.id), user)
        if reason is None:
            raise NotFound(f"No case with id {self.id} is visible to you.")
        grant = reason.grant
        return CaseAccessVia(
            membership=reason.membership,
            role=reason.role,
            policy_id=strawberry.ID(grant.policy_id) if grant else None,
            policy_name=grant.name if grant else None,
            valid_until=grant.valid_until if grant else None,
        )

    @strawberry.field(
        description="Plain text of the live document, one line per paragraph or heading; with the customer "
        "and personal data masked when only masking visibility policies open the case."
    )
    async def text(self, info: Info) -> str:
        if self.masked:
            return (await masked_copy(info, str(self.id), self.customer_as_written)).text
        return plain_text(await info.context.services.rooms.read_doc(str(self.id)))

    @strawberry.field(
        description="The names of the visibility policies that show you this case's customer masked (the "
        "live document is then closed to you: read `maskedDocument`); empty when you see it as written."
    )
    async def customer_masked_by(self, info: Info) -> list[str]:
        if not self.masked:
            return []
        user = await info.context.user()
        async with info.context.read() as session:
            case = await session.get_one(models.Case, str(self.id))
            return [grant.name for grant in await access_cases.masked_by(session, case, user)]

    @strawberry.field(
        description="When `customerMaskedBy` is not empty: the document as you may read it, the customer and "
        "personal data masked, as a base64 Yjs update (read-only; `maskedDocumentEvents` sends it again "
        "as the document changes). Null otherwise: open the live document through `syncTicket`."
    )
    async def masked_document(self, info: Info) -> str | None:
        if not self.masked:
            return None
        redacted = await masked_copy(info, str(self.id), self.customer_as_written)
        return base64.b64encode(redacted.state).decode("ascii")

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

    @strawberry.field(description="The knowledge asset version this case was started from; null otherwise.")
    async def started_from(
        self, info: Info
    ) -> Annotated[KnowledgeOrigin, strawberry.lazy("server.api.types.knowledge")] | None:
        from server.api.types.knowledge import KnowledgeOrigin  # it imports this module

        async with info.context.read() as session:
            found = (await knowledge_reads.reused_from(session, [str(self.id)])).get(str(self.id))
            if found is None:
                return None
            number = await knowledge_reads.version_number(session, found.version_id)
        return KnowledgeOrigin(version=number, started_at=found.created_at, asset_id=found.asset_id)

    @strawberry.field(description="Versions of the document, newest first.")
    async def snapshots(self, info: Info, first: int = 20, after: str | None = None) -> SnapshotConnection:
        # A Case is only ever built for a member or a policy reader, so the access check is already done.
        with_text = selects(info, "nodes", "text")
        async with info.context.read() as session:
            page = await snapshots.page_of(
                session, str(self.id), first=first, after=after, with_text=with_text
            )
        return SnapshotConnection.of(page, masked_for=self.customer_as_written if self.masked else None)


@strawberry.type
class CaseConnection:
    nodes: list[Case]
    page_info: PageInfo
