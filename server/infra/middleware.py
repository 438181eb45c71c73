"""Pure ASGI middleware: request-body limit, one access-log line per HTTP request, security headers."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("warroom.http")


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Answer 413 when a request body exceeds `max_bytes`, declared or streamed; paths matching `unlimited`
    (uploads, which stream their bodies and keep their own limit) pass."""

    def __init__(self, app: ASGIApp, max_bytes: int, unlimited: str | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.unlimited = re.compile(unlimited) if unlimited else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (self.unlimited is not None and self.unlimited.match(scope["path"])):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _reject(send, self.max_bytes)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _reject(send, self.max_bytes)


async def _reject(send: Send, max_bytes: int) -> None:
    body = (
        f'{{"errors":[{{"message":"The request body is larger than {max_bytes} bytes.",'
        f'"extensions":{{"code":"PAYLOAD_TOO_LARGE"}}}}]}}'.encode()
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


# A request whose handler sets this in scope["state"] gets no access log line: it was logged elsewhere,
# in fewer lines (a throttled sign-in: one warning per address per burst, not a line per guess).
LOGGED_ELSEWHERE = "logged_elsewhere"


def logged_elsewhere(scope: Scope) -> None:
    """Leave this request out of the access log (its handler logs it its own way)."""
    scope.setdefault("state", {})[LOGGED_ELSEWHERE] = True


class AccessLog:
    """Log method, path (never the query string: it may carry a token), status and duration; not the
    requests marked `logged_elsewhere`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if not scope.get("state", {}).get(LOGGED_ELSEWHERE):
                self._log(scope, status, started)

    @staticmethod
    def _log(scope: Scope, status: int, started: float) -> None:
        extra: dict[str, Any] = {
            "method": scope.get("method"),
            "path": scope.get("path"),
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        }
        user_id = scope.get("state", {}).get("user_id")
        if user_id:
            extra["user_id"] = user_id
        log.info("request", extra=extra)


# What the built war room needs (tests/browser/test_csp.py loads it under this policy): its own scripts and
# stylesheets only, data: images (the favicon), and its own origin for GraphQL and the sync sockets.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'{sockets}; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
_FIXED = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
# A Host header we repeat in the policy must be a host, nothing that could end a directive.
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$")


class SecurityHeaders:
    """Add the security headers to every HTTP response: a Content-Security-Policy, no framing, no referrer,
    no MIME sniffing, and HSTS when the request came over TLS.

    "Over TLS" is the ASGI scope's scheme: `https` when uvicorn terminates TLS, or when it trusts a proxy's
    `X-Forwarded-Proto` (`serve --proxy-headers`, from `--forwarded-allow-ips`). The header itself is never
    read here, so a client cannot turn HSTS on for a plain-HTTP deployment.
    `csp_exempt` paths get no policy (GraphiQL, served only with WARROOM_DEBUG=1, runs inline scripts).
    """

    def __init__(self, app: ASGIApp, csp_exempt: tuple[str, ...] = ()) -> None:
        self.app = app
        self.csp_exempt = csp_exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(_FIXED)
        if scope.get("path") not in self.csp_exempt:
            extra.append((b"content-security-policy", _policy(scope).encode()))
        if scope.get("scheme") == "https":
            extra.append(_HSTS)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _policy(scope: Scope) -> str:
    # 'self' covers same-origin ws:/wss: in CSP 3 browsers; the explicit origin serves the others.
    host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
    if not _HOST.match(host):
        return CONTENT_SECURITY_POLICY.format(sockets="")
    socket = "wss" if scope.get("scheme") == "https" else "ws"
    return CONTENT_SECURITY_POLICY.format(sockets=f" {socket}://{host}")
