"""Who may read `/metrics`: holders of WARROOM_METRICS_TOKEN when it is set, only this host otherwise."""

from __future__ import annotations

import hmac
import ipaddress

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.infra.config import Settings


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class MetricsAccess:
    """Checks a request for `/metrics`; `refusal` is None when it may read them."""

    def __init__(self, token: str | None) -> None:
        self._token = token.encode() if token else None

    @classmethod
    def from_settings(cls, settings: Settings) -> MetricsAccess:
        return cls((settings.extra.get("WARROOM_METRICS_TOKEN") or "").strip() or None)

    def refusal(self, request: Request) -> Response | None:
        if self._token is None:
            if _loopback(request.client.host if request.client else None):
                return None
            return JSONResponse(
                {
                    "code": "FORBIDDEN",
                    "message": "Metrics are served to this host only; set WARROOM_METRICS_TOKEN.",
                },
                status_code=403,
            )
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self._token):
            return None
        return JSONResponse(
            {
                "code": "UNAUTHENTICATED",
                "message": "Metrics need Authorization: Bearer <WARROOM_METRICS_TOKEN>.",
            },
            status_code=401,
            headers={"www-authenticate": "Bearer"},
        )
