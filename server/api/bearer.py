"""The signed-in user of a plain HTTP route (not GraphQL): `Authorization: Bearer <token>`, never the URL."""

from __future__ import annotations

from starlette.requests import Request

from server.api.context import Services, bearer_token
from server.domain import users
from server.domain.accounts import tokens
from server.domain.errors import Unauthenticated
from server.models import User


async def bearer_user(services: Services, request: Request) -> User:
    """The token's user; UNAUTHENTICATED without a valid one. Names the user in the access log."""
    token = bearer_token(request.headers.get("authorization"))
    user = None
    if token:
        async with services.db.sessions() as session:
            user = await users.user_for_token(session, token, tokens.idle_limit(services.settings))
    if user is None:
        raise Unauthenticated("Send `Authorization: Bearer <token>`; this request has no valid token.")
    state = request.scope.get("state")
    if isinstance(state, dict):
        state["user_id"] = user.id  # the access log line names who asked
    return user
