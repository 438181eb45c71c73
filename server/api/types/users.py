"""People."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.points import PointEntryConnection, PointsWallet, point_entries
from server.domain.access import person_regions
from server.domain.points import wallet
from server.domain.users import Person

UserRole = strawberry.enum(models.UserRole, name="UserRole", description="What a person may do across cases.")


@strawberry.type
class User:
    id: strawberry.ID
    email: str
    name: str
    role: UserRole  # type: ignore[valid-type]
    # Known when built from a stored user (the team's list): no read per person.
    known_regions: strawberry.Private[list[str] | None] = None

    @classmethod
    def of(cls, user: models.User | Person) -> User:
        regions = list(user.regions or []) if isinstance(user, models.User) else None
        return cls(
            id=strawberry.ID(user.id), email=user.email, name=user.name, role=user.role, known_regions=regions
        )

    @strawberry.field(description="The regions this person works in (yours, or a teammate's for an admin).")
    async def regions(self, info: Info) -> list[str]:
        viewer = await info.context.user()
        if self.known_regions is not None:
            person_regions.require_reader(viewer, str(self.id))
            return self.known_regions
        async with info.context.read() as session:
            return await person_regions.regions_of(session, viewer, str(self.id))

    @strawberry.field(
        description="Value points available (yours, or a teammate's if you are HR); negative while in debt."
    )
    async def points_balance(self, info: Info) -> int:
        viewer = await info.context.user()
        async with info.context.read() as session:
            return await wallet.balance(session, viewer, str(self.id))

    @strawberry.field(description="Balance, debt and use of the caps (yours, or a teammate's if you are HR).")
    async def points_wallet(self, info: Info) -> PointsWallet:
        viewer = await info.context.user()
        async with info.context.read() as session:
            return PointsWallet.of(await wallet.wallet(session, viewer, str(self.id)))

    @strawberry.field(description="Value-point ledger entries, newest first (yours, or a teammate's for HR).")
    async def points_ledger(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> PointEntryConnection:
        viewer = await info.context.user()
        async with info.context.read() as session:
            page = await wallet.entries(session, viewer, str(self.id), first=first, after=after)
            nodes = await point_entries(session, page.items)
        return PointEntryConnection(
            nodes=nodes, page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor)
        )


@strawberry.type
class UserConnection:
    nodes: list[User]
    page_info: PageInfo


@strawberry.type
class DemoLogin:
    email: str
    password: str
    name: str
    role: UserRole  # type: ignore[valid-type]
