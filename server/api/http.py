"""The `/graphql` ASGI app: strawberry over Starlette with our context and request limits."""

from __future__ import annotations

import uuid
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from server.api.context import Context, Services, bearer_token
from server.api.schema import build_schema

MAX_SUBSCRIPTIONS = 20
# Acknowledge connection_init without a payload.
_ACK = cast(UnsetType, UNSET)


class GraphQLApp(GraphQL[Context, None]):
    """Bearer auth on HTTP, mutations only over POST, graphql-transport-ws only."""

    def __init__(self, services: Services) -> None:
        super().__init__(
            build_schema(services.settings),
            graphql_ide="graphiql" if services.settings.debug else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS,
        )
        self.services = services

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        token = bearer_token(request.headers.get("authorization"))
        return Context(
            services=self.services,
            token=token,
            request=request,
            response=response,
            request_id=request.headers.get("x-request-id") or uuid.uuid4().hex[:16],
        )

    async def get_root_value(self, request: Any) -> None:
        return None

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Browsers cannot set headers on a WebSocket: the token comes in connection_init {token}."""
        params = context.connection_params or {}
        token = params.get("token")
        if token is None:
            return _ACK  # a bearer header may still have signed the socket in
        if not isinstance(token, str) or not token:
            raise ConnectionRejectionError({"message": "The token must be a string."})
        context.use_token(token)
        if await context.current_user() is None:
            raise ConnectionRejectionError({"message": "The token is not valid or has expired."})
        return _ACK
