"""Signing in and out."""

from __future__ import annotations

from datetime import datetime

import strawberry

from server.api.context import Info
from server.api.types.users import User
from server.domain import users


@strawberry.type
class LoginPayload:
    token: str
    expires_at: datetime
    user: User


@strawberry.type
class AuthMutations:
    @strawberry.mutation(description="Exchange an email and password for a bearer token.")
    async def login(self, info: Info, email: str, password: str) -> LoginPayload:
        signin = info.context.services.signin
        result = await signin(email=email, password=password, address=info.context.client_address)
        return LoginPayload(token=result.token, expires_at=result.expires_at, user=User.of(result.user))

    @strawberry.mutation(description="Revoke the token this request carries.")
    async def logout(self, info: Info) -> bool:
        await info.context.user()
        token = info.context.token
        assert token is not None
        async with info.context.command() as session:
            return await users.logout(session, token)
