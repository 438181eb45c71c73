"""The `/graphql` ASGI app: strawberry over Starlette with our context and request limits."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from server.api import ws
from server.api.context import Context, Services, bearer_token
from server.api.limits import Limits
from server.api.schema import build_schema


class GraphQLApp(GraphQL[Context, None]):
    """Bearer auth on HTTP, mutations only over POST, graphql-transport-ws only (token in
    `connection_init`), a cap on subscriptions per connection and on the wait for `connection_init`.
    """

    graphql_transport_ws_handler_class = ws.TransportHandler
    websocket_adapter_class = ws.LimitedWebSocket

    def __init__(self, services: Services) -> None:
        limits = Limits.from_settings(services.settings)
        super().__init__(
            build_schema(services.settings),
            graphql_ide="graphiql" if services.settings.debug else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=limits.max_subscriptions,
            connection_init_wait_timeout=timedelta(seconds=limits.ws_init_timeout_seconds),
        )
        self.services = services
        self.user_recheck_seconds = limits.ws_recheck_seconds

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        token = bearer_token(request.headers.get("authorization"))
        return Context(
            services=self.services,
            token=token,
            request=request,
            response=response,
            request_id=request.headers.get("x-request-id") or uuid.uuid4().hex[:16],
            long_lived=isinstance(request, WebSocket),
            user_recheck_seconds=self.user_recheck_seconds,
        )

    def encode_json(self, data: object) -> str:
        # orjson: a case view's answer (~65 kB) in a tenth of the time the json module takes. Text, not
        # bytes: strawberry sends bytes over a WebSocket as binary frames, which graphql-ws clients refuse.
        return orjson.dumps(data).decode()

    async def get_root_value(self, request: Any) -> None:
        return None

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        await ws.authenticate(context)
        unset: UnsetType = UNSET
        return unset
