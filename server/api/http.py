"""The `/graphql` ASGI app: strawberry over Starlette with our context and request limits."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from server.api.context import Context, Services, bearer_token
from server.api.schema import build_schema

MAX_SUBSCRIPTIONS = 20


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
