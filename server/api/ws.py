"""graphql-transport-ws on `/graphql`: the token in `connection_init`, a clear close code when it is bad,
and a size limit on messages.

Close codes a client sees (the protocol's, plus 4401 for a bad token and 1009 for a huge message):
4400 malformed message, 4401 bad/expired/revoked token (sign in again), the session ended while connected
(revoked, expired, idle, account disabled: within WARROOM_SESSION_CHECK_SECONDS, at once on a revocation)
or subscribe before `connection_ack`, 4406 a subprotocol other than graphql-transport-ws (the legacy
`graphql-ws` included), 4408 no `connection_init` in time, 4409 a subscription id already in use, 4429 a
second `connection_init`, 1009 a message over MAX_MESSAGE_CHARS.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from json import JSONDecodeError

from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import NonJsonMessageReceived, NonTextMessageReceived
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from server.api.context import Context, bearer_token
from server.domain.accounts.watch import SESSION_ENDED, Watched

CLOSE_UNAUTHORIZED = 4401
CLOSE_TOO_BIG = 1009
MAX_MESSAGE_CHARS = 1024 * 1024
UNAUTHORIZED_REASON = "Unauthorized: the token is missing, expired or revoked; sign in again"


class InvalidToken(Exception):
    """The `connection_init` payload carries no valid token."""


async def authenticate(context: Context) -> None:
    """Sign the connection in with the token of its `connection_init` payload (`{"token": ...}`;
    `{"Authorization": "Bearer ..."}` works too, as some clients send that).
    """
    params = context.connection_params or {}
    token = params.get("token")
    if token is None:
        header = params.get("Authorization", params.get("authorization"))
        token = bearer_token(header) if isinstance(header, str) else None
    if isinstance(token, str) and token.strip():
        context.use_token(token.strip())
    if await context.current_user() is None:
        raise InvalidToken


class TransportHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's handler, closing with 4401 (not its 4403) when the token is bad: the graphql-ws
    client treats 4401 as final, where it would retry a 4403 forever with the same token. Once signed
    in, the connection is watched: it closes with 4401 when its session ends."""

    _watched: Watched | None = None
    _closing: asyncio.Task[None] | None = None

    async def handle(self) -> None:
        try:
            await super().handle()
        finally:
            if self._watched is not None:
                self._watched.end()

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except InvalidToken:
            await self.websocket.close(code=CLOSE_UNAUTHORIZED, reason=UNAUTHORIZED_REASON)
            return
        token_id = self.context.token_id
        if self.connection_acknowledged and token_id is not None and self._watched is None:
            self._watched = self.context.services.sessions.watch(token_id, self._session_ended)

    def _session_ended(self) -> None:
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close_ended())

    async def _close_ended(self) -> None:
        # Its operations end as the socket closes (strawberry's shutdown cancels them).
        # Closed meanwhile, by the client or another path: Starlette and uvicorn say so with various errors,
        # none of which matter any more.
        with contextlib.suppress(Exception):
            await self.websocket.close(code=CLOSE_UNAUTHORIZED, reason=SESSION_ENDED)


class LimitedWebSocket(ASGIWebSocketAdapter):
    """Strawberry's adapter, refusing messages over MAX_MESSAGE_CHARS before parsing them."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object, None]:
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                if len(text) > MAX_MESSAGE_CHARS:
                    await self.ws.close(code=CLOSE_TOO_BIG, reason="Message too big")
                    return
                try:
                    yield self.view.decode_json(text)
                except JSONDecodeError as error:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from error
        except KeyError as error:
            # Starlette's receive_text raises KeyError for a binary frame.
            raise NonTextMessageReceived from error
        except WebSocketDisconnect:
            pass
