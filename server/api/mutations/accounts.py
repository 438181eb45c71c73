"""Your own sessions and password, and an admin's actions on teammates' accounts."""

from __future__ import annotations

import strawberry

from server import models
from server.api.context import Info
from server.api.types.users import User, UserRole
from server.domain.accounts import activation, passwords, roles, sessions


@strawberry.type
class AccountMutations:
    @strawberry.mutation(
        description="Change your password (the current one is checked). Every other session of yours is "
        "signed out; this one stays. Returns how many were signed out. A wrong current password counts "
        "against your sign-in attempts (RATE_LIMITED, with retryAfter, once they are spent)."
    )
    async def change_password(self, info: Info, current: str, new: str) -> int:
        user = await info.context.user()
        token_id = info.context.token_id
        assert token_id is not None  # set by the lookup that found the user
        signin = info.context.services.signin
        address = info.context.client_address
        async with (
            signin.proving(user_id=user.id, email=user.email, address=address),
            info.context.command() as session,
        ):
            return await passwords.change_password(
                session, user.id, token_id=token_id, current=current, new=new
            )

    @strawberry.mutation(
        description="Sign out every session of yours, this one included; open connections close. "
        "Returns how many sessions ended."
    )
    async def sign_out_everywhere(self, info: Info) -> int:
        user = await info.context.user()
        async with info.context.command() as session:
            return await sessions.sign_out_everywhere(session, user, actor_id=user.id)

    @strawberry.mutation(
        description="Deactivate a teammate's account (admin): they cannot sign in, and every session of "
        "theirs ends at once. Not yourself, nor the team's last active admin."
    )
    async def deactivate_user(self, info: Info, user_id: strawberry.ID) -> User:
        actor = await info.context.user()
        async with info.context.command() as session:
            return User.of(await activation.deactivate_user(session, actor, str(user_id)))

    @strawberry.mutation(description="Let a deactivated teammate sign in again (admin).")
    async def reactivate_user(self, info: Info, user_id: strawberry.ID) -> User:
        actor = await info.context.user()
        async with info.context.command() as session:
            return User.of(await activation.reactivate_user(session, actor, str(user_id)))

    @strawberry.mutation(
        description="Give a teammate a role (admin); the team's last active admin stays an admin."
    )
    async def set_user_role(
        self,
        info: Info,
        user_id: strawberry.ID,
        role: UserRole,  # type: ignore[valid-type]
    ) -> User:
        actor = await info.context.user()
        async with info.context.command() as session:
            target = await roles.set_user_role(session, actor, str(user_id), models.UserRole(role))
            return User.of(target)
