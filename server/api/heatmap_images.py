"""The heatmaps as SVG pictures: `/cases/{id}/heatmap.svg` and `/teams/{id}/heatmap.svg`.

Same authorization as GraphQL (a Bearer token in the Authorization header, never in the URL), and
the same answers: 404 for a case or team you cannot see exactly like a missing one, 400 with a
sentence for a bad parameter, 401 without a valid token. The picture speaks Simplified Chinese or English:
`lang=zh-CN|en`, else the first of them in Accept-Language, else Chinese.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Final

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from server.api.bearer import bearer_user
from server.api.context import Services
from server.domain.errors import BadInput, DomainError
from server.domain.heatmaps import reads as heatmaps
from server.domain.heatmaps.refresh import refresh_requester
from server.heatmaps import LANGUAGES, BucketSize, Wording, contribution_svg, section_svg, wording_for
from server.models.base import utcnow

MEDIA_TYPE: Final = "image/svg+xml; charset=utf-8"
MAX_AGE_SECONDS: Final = 15
_KINDS: Final = ("contribution", "sections")
_PARAMETERS: Final = frozenset({"kind", "from", "to", "bucket", "lang"})
_STATUS: Final[Mapping[str, int]] = {
    "BAD_INPUT": 400,
    "NOT_FOUND": 404,
    "FORBIDDEN": 403,
    "UNAUTHENTICATED": 401,
}
# A picture needs no script, style sheet or font from anywhere; if someone opens it as a page, keep it inert.
_HEADERS: Final = {
    "Cache-Control": f"private, max-age={MAX_AGE_SECONDS}",
    "Vary": "Authorization, Accept-Language",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'",
}


class HeatmapImages:
    """The two routes; `services` is read at request time (the app creates them at startup)."""

    def __init__(self, services: Callable[[], Services]) -> None:
        self._services = services

    async def case(self, request: Request) -> Response:
        return await self._answer(request, "case")

    async def team(self, request: Request) -> Response:
        return await self._answer(request, "team")

    async def _answer(self, request: Request, kind: str) -> Response:
        try:
            svg = await self._draw(request, kind)
        except DomainError as error:
            headers = {"WWW-Authenticate": "Bearer"} if error.code == "UNAUTHENTICATED" else {}
            return PlainTextResponse(error.message, _STATUS.get(error.code, 400), headers=headers)
        body = svg.encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {**_HEADERS, "ETag": etag}
        if etag in _etags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=MEDIA_TYPE, headers=headers)

    async def _draw(self, request: Request, kind: str) -> str:
        services = self._services()
        params = _params(request)
        picture = params.get("kind", "contribution")
        if picture not in _KINDS:
            raise BadInput(f"`kind` must be contribution or sections, not {picture!r}.")
        if picture == "sections" and kind == "team":
            raise BadInput("Teams have contribution heatmaps only: use kind=contribution.")
        if picture == "sections" and params.keys() & {"from", "to", "bucket"}:
            raise BadInput("`from`, `to` and `bucket` apply to kind=contribution only.")
        words = _wording(params.get("lang"), request.headers.get("accept-language", ""))
        user = await bearer_user(services, request)
        subject_id = request.path_params["id"]
        async with services.db.sessions() as session:
            if kind == "case":
                subject = await heatmaps.case_subject(session, subject_id, user)
            else:
                subject = await heatmaps.team_subject(session, subject_id, user)
        refresh = refresh_requester(services.jobs, services.settings)
        if picture == "sections":
            sections = await heatmaps.sections(services.db, subject, request_refresh=refresh)
            names = {user_id: person.name for user_id, person in sections.people.items()}
            title = words.sections.format(subject=subject.title)
            return section_svg(sections.heatmap, names, title=title, words=words)
        size = _bucket(params.get("bucket", "day"))
        start, end = heatmaps.period(_time(params, "from"), _time(params, "to"), size, now=utcnow())
        view = await heatmaps.contribution(services.db, subject, start, end, size, request_refresh=refresh)
        names = {user_id: person.name for user_id, person in view.people.items()}
        buckets = view.heatmap.buckets
        period = (
            words.period.format(first=buckets[0].label, last=buckets[-1].label)
            if len(buckets) > 1
            else buckets[0].label
        )
        title = words.contributions.format(subject=subject.title, period=period)
        return contribution_svg(view.heatmap, names, title=title, words=words)


def _wording(lang: str | None, accept_language: str) -> Wording:
    """`lang` (zh-CN or en) when given; else the first Chinese or English tag of Accept-Language, in the
    order the header lists them; else Chinese."""
    if lang is not None:
        if lang not in LANGUAGES:
            raise BadInput(f"`lang` must be zh-CN or en, not {lang!r}.")
        return wording_for(lang)
    for tag in accept_language.split(","):
        primary = tag.split(";", 1)[0].strip().lower().split("-", 1)[0]
        if primary in ("zh", "en"):
            return wording_for("zh-CN" if primary == "zh" else "en")
    return wording_for("zh-CN")


def _params(request: Request) -> dict[str, str]:
    unknown = sorted(set(request.query_params) - _PARAMETERS)
    if unknown:
        raise BadInput(f"Unknown parameter {', '.join(unknown)}; use kind, from, to, bucket and lang.")
    params: dict[str, str] = {}
    for name in request.query_params:
        values = request.query_params.getlist(name)
        if len(values) > 1:
            raise BadInput(f"`{name}` is given {len(values)} times; give it once.")
        params[name] = values[0].strip()
    return params


def _bucket(raw: str) -> BucketSize:
    try:
        return BucketSize(raw.upper())
    except ValueError:
        raise BadInput(f"`bucket` must be day or week, not {raw!r}.") from None


def _time(params: Mapping[str, str], name: str) -> datetime | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise BadInput(
            f"`{name}` must be an ISO 8601 date or time (2025-03-01 or 2025-03-01T09:00:00Z), not {raw!r}."
        ) from None


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
