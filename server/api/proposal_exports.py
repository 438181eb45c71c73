"""A requirement proposal as a file: `/proposals/{id}.md` (Markdown) and `/proposals/{id}.json`.

Same authorization as the GraphQL field `requirementProposal` (a Bearer token in the Authorization header,
never in the URL), and the same answers: 404 for a proposal you cannot see exactly like a missing one,
401 without a valid token.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from server.api.bearer import bearer_user
from server.api.context import Services
from server.domain.errors import DomainError
from server.domain.proposals.access import visible
from server.domain.proposals.documents import document, to_json, to_markdown

_STATUS: Final[Mapping[str, int]] = {"NOT_FOUND": 404, "FORBIDDEN": 403, "UNAUTHENTICATED": 401}
_TYPES: Final = {"md": "text/markdown; charset=utf-8", "json": "application/json; charset=utf-8"}
# The files hold customer material: never cached by a shared cache; opened as a page, they stay inert.
_HEADERS: Final = {
    "Cache-Control": "private, no-store",
    "Vary": "Authorization",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'",
}


class ProposalExports:
    """The two routes; `services` is read at request time (the app creates them at startup)."""

    def __init__(self, services: Callable[[], Services]) -> None:
        self._services = services

    async def markdown(self, request: Request) -> Response:
        return await self._answer(request, "md")

    async def json(self, request: Request) -> Response:
        return await self._answer(request, "json")

    async def _answer(self, request: Request, kind: str) -> Response:
        services = self._services()
        proposal_id = request.path_params["id"]
        try:
            user = await bearer_user(services, request)
            async with services.db.sessions() as session:
                doc = await document(session, await visible(session, user, proposal_id))
        except DomainError as error:
            headers = {"WWW-Authenticate": "Bearer"} if error.code == "UNAUTHENTICATED" else {}
            return PlainTextResponse(error.message, _STATUS.get(error.code, 400), headers=headers)
        text = to_markdown(doc) if kind == "md" else to_json(doc)
        disposition = f'inline; filename="proposal-{doc["id"]}.{kind}"'
        headers = {**_HEADERS, "Content-Disposition": disposition}
        return Response(text.encode(), media_type=_TYPES[kind], headers=headers)
