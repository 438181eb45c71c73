"""Who am I, who is on my team, and the demo logins."""

from __future__ import annotations

import strawberry

from server.api.context import Info
from server.api.types.common import PageInfo
from server.api.types.users import DemoLogin, User, UserConnection
from server.domain import users
from server.domain.demo import team as demo


@strawberry.type
class UserQueries:
    @strawberry.field(description="The signed-in user.")
    async def me(self, info: Info) -> User:
        return User.of(await info.context.user())

    @strawberry.field(description="People of your team, optionally filtered by name or email.")
    async def users(
        self, info: Info, search: str | None = None, first: int = 20, after: str | None = None
    ) -> UserConnection:
        viewer = await info.context.user()
        async with info.context.read() as session:
            page = await users.search_team(session, viewer, search=search, first=first, after=after)
        return UserConnection(
            nodes=[User.of(u) for u in page.items],
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor),
        )

    @strawberry.field(
        description="The demo team's logins (never its admin or legal accounts); empty unless the server "
        "runs the demo seed."
    )
    def demo_logins(self, info: Info) -> list[DemoLogin]:
        if not info.context.settings.demo:
            return []
        return [
            DemoLogin(email=p.email, password=demo.PASSWORD, name=p.name, role=p.role) for p in demo.OFFERED
        ]
