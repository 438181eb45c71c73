"""`GET /materials/{id}/content`: a material's decrypted bytes, for the holder of a live grant.

The same authorization as GraphQL (a Bearer token in the Authorization header, never in the URL), or a
single-use `?ticket=` from `materialDownloadLink` (what a browser follows to save the file to disk as it
streams; server/domain/material_access/tickets.py), and the same answers: 401 without a valid token (or
ticket), 404 for a material the caller may not see exactly like a missing one, 403 NO_GRANT naming what
is missing without a live grant. With one, the read is counted (see server/domain/material_access/
downloads.py for when ranged reads count) and audited when it starts and when it ends, with the bytes sent.
A revoked or expired grant stops a download under way at a chunk boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from server.api.bearer import bearer_user
from server.api.content_stream import ByteRange, Outcome, StreamedBody, Unsatisfiable, attachment, parse_range
from server.api.context import Services
from server.domain.accounts.tokens import idle_limit
from server.domain.errors import DomainError
from server.domain.material_access import downloads, tickets
from server.domain.material_access.errors import NoGrant
from server.models import Material, User

_STATUS: Final[Mapping[str, int]] = {
    "BAD_INPUT": 400,
    "UNAUTHENTICATED": 401,
    "NO_GRANT": 403,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
}
# Plaintext customer material: never kept by a cache, never rendered or sniffed by the browser.
_HEADERS: Final = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Accept-Ranges": "bytes",
}
# How often a download under way looks whether its grant still holds (at a chunk boundary).
CHECK_EVERY_SECONDS: Final = 1.0


def _error(status: int, code: str, message: str, **extra: Any) -> Response:
    headers = {"Cache-Control": "no-store"}
    if code == "UNAUTHENTICATED":
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse({"error": {"code": code, "message": message, **extra}}, status, headers=headers)


def _refusal(error: DomainError) -> Response:
    extra = {"missing": error.missing} if isinstance(error, NoGrant) else {}
    return _error(_STATUS.get(error.code, 400), error.code, error.message, **extra)


class MaterialContent:
    """The route; `services` is read at request time (the app creates them at startup)."""

    def __init__(self, services: Callable[[], Services]) -> None:
        self._services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.answer(Request(scope, receive))
        await response(scope, receive, send)

    async def answer(self, request: Request) -> Response | StreamedBody:
        services = self._services()
        material_id = request.path_params["id"]
        range_header = request.headers.get("range")
        try:
            user = await self._caller(services, request, material_id)
            async with services.db.sessions() as session:
                material = await downloads.readable(
                    session, user, material_id, ranged=range_header is not None
                )
        except DomainError as error:
            return _refusal(error)
        try:
            wanted = parse_range(range_header, material.size) if _if_range_holds(request, material) else None
        except Unsatisfiable as unsatisfiable:
            response = _error(416, "RANGE_NOT_SATISFIABLE", str(unsatisfiable), size=material.size)
            response.headers["Content-Range"] = f"bytes */{material.size}"
            return response
        try:
            async with services.db.transaction() as session:
                download = await downloads.start(
                    session, user, material_id, ranged=wanted is not None, range_text=_text(wanted)
                )
        except DomainError as error:
            return _refusal(error)
        return self._stream(services, user, download, wanted)

    async def _caller(self, services: Services, request: Request, material_id: str) -> User:
        """The bearer token's user, or, without an Authorization header, the one whose ticket this is (the
        ticket is spent by this request, whatever it answers)."""
        ticket = request.query_params.get("ticket")
        if ticket is None or request.headers.get("authorization"):
            return await bearer_user(services, request)
        refused: DomainError | None = None
        async with services.db.transaction() as session:
            try:
                user = await tickets.redeem(session, ticket, material_id, idle_limit(services.settings))
            except DomainError as error:
                refused = error  # caught inside, so the transaction commits: a refused ticket is spent too
        if refused is not None:
            raise refused
        state = request.scope.get("state")
        if isinstance(state, dict):
            state["user_id"] = user.id  # the access log line names who asked
        return user

    def _stream(
        self, services: Services, user: User, download: downloads.Download, wanted: ByteRange | None
    ) -> StreamedBody:
        material = download.material
        headers = {
            **_HEADERS,
            "Content-Type": material.content_type,
            "Content-Disposition": attachment(material.name),
            "ETag": f'"{material.sha256}"',
        }
        if wanted is None:
            status, start, end = 200, 0, material.size
        else:
            status, start, end = 206, wanted.start, wanted.end
            headers["Content-Range"] = wanted.content_range
        headers["Content-Length"] = str(end - start)

        async def go_on() -> str | None:
            async with services.db.reads() as session:
                live = await downloads.still_live(session, download.grant_id)
            return None if live else "grant_ended"

        async def finished(outcome: Outcome) -> None:
            async with services.db.transaction() as session:
                await downloads.finish(
                    session,
                    user.id,
                    download,
                    sent=outcome.sent,
                    complete=outcome.complete,
                    range_text=_text(wanted),
                    stopped=outcome.stopped,
                )

        return StreamedBody(
            status,
            headers,
            services.vault.read(material, start, end),
            go_on=go_on,
            finished=finished,
            check_every=CHECK_EVERY_SECONDS,
        )


def _text(wanted: ByteRange | None) -> str | None:
    return None if wanted is None else str(wanted)


def _if_range_holds(request: Request, material: Material) -> bool:
    """An `If-Range` that does not name this content's tag turns the range request into a whole one; the
    content of a material never changes, but a client may send a tag from elsewhere."""
    condition = request.headers.get("if-range")
    return condition is None or condition.strip() == f'"{material.sha256}"'
