"""HTTP POSTs to addresses that people typed in (webhooks), guarded against reaching inside the network.

Only public addresses are reached unless the operator allows private ones. The check runs on every
connection, not only when the URL is saved: a name that resolved to a public address then may resolve to
`127.0.0.1` now (DNS rebinding). The connection is made to the very address that was checked, with the
name kept for the `Host` header and TLS (SNI and certificate), so no second lookup can swap it.

A small HTTP/1.1 client on asyncio streams: one request per connection, no redirects followed, the status
and a short prefix of the body read, everything within one deadline. The standard library has no async
client, and the main dependencies none either.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, urlsplit

SCHEMES: Final = ("http", "https")
MAX_URL: Final = 2000
USER_AGENT: Final = "Warroom-Webhooks/1"
_MAX_HEAD: Final = 64 * 1024
# How long the body prefix may take once the status line arrived (within the deadline).
_BODY_WAIT: Final = 2.0
_URL_SAFE: Final = "/?&=%:@!$'()*+,;~-._"


class OutboundError(Exception):
    """A URL that cannot be used, or a request that got no HTTP answer; the message says why."""


class AddressRefused(OutboundError):
    """The name resolves to an address that is not public (loopback, private, link-local, ...)."""


class Unresolvable(OutboundError):
    """The name does not resolve."""


@dataclass(frozen=True)
class Target:
    """Where a URL points: what to connect to and what to send."""

    scheme: str
    host: str  # ASCII (IDNA); an IPv6 address without brackets
    port: int
    path: str  # with the query

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


@dataclass(frozen=True)
class Answer:
    status: int
    body_prefix: str


def parse(url: str) -> Target:
    """The target of an http(s) URL; OutboundError with a reason for anything else."""
    if len(url) > MAX_URL:
        raise OutboundError(f"The URL is longer than {MAX_URL} characters.")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise OutboundError("The URL contains spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise OutboundError(f"The URL cannot be read: {error}.") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise OutboundError(f"Only http and https URLs can be used, not {scheme or 'none'!r}.")
    if parts.username is not None or parts.password is not None:
        raise OutboundError("The URL must not hold a user name or password (a token may go in its query).")
    if parts.fragment:
        raise OutboundError("The URL must not have a #fragment (it is never sent).")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise OutboundError("The URL has no host name.")
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise OutboundError(f"The host name {host!r} is not valid.") from None
    # Non-ASCII in the path or query (`?来源=测试`) goes out percent-encoded as UTF-8; escapes stay as is.
    path = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=_URL_SAFE)
    return Target(scheme, ascii_host, port or (443 if scheme == "https" else 80), path)


def refusal(address: str) -> str | None:
    """Why an IP address may not be reached without WARROOM_*_ALLOW_PRIVATE, or None for a public one."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, test in (
        ("a loopback", ip.is_loopback),
        ("an unspecified", ip.is_unspecified),
        ("a link-local", ip.is_link_local),
        ("a multicast", ip.is_multicast),
        ("a private", ip.is_private),
        ("a reserved", ip.is_reserved),
        ("a non-public", not ip.is_global),
    ):
        if test:
            return f"{address}, {kind} address"
    return None


async def resolve(target: Target, *, allow_private: bool) -> list[str]:
    """The addresses to connect to; refused when any of them is not public (unless allowed)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            target.host, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except (socket.gaierror, UnicodeError) as error:
        raise Unresolvable(f"The host name {target.host} does not resolve ({error}).") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise Unresolvable(f"The host name {target.host} does not resolve.")
    if not allow_private:
        # All or nothing: a name that answers with one inside address among public ones is refused.
        for address in addresses:
            reason = refusal(address)
            if reason is not None:
                where = reason if address == target.host else f"{target.host} resolves to {reason}"
                raise AddressRefused(f"{where}: only public addresses can be reached.")
    return addresses


async def check(url: str, *, allow_private: bool) -> Target:
    """Parse the URL and resolve its host as a request would, raising what a request would meet."""
    target = parse(url)
    await resolve(target, allow_private=allow_private)
    return target


async def post(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    within: float,
    allow_private: bool,
    prefix_chars: int = 300,
) -> Answer:
    """POST `body` to `url`: the status and the start of the answer; OutboundError (or TimeoutError after
    `within` seconds in all) when no HTTP answer came."""
    target = parse(url)
    async with asyncio.timeout(within):
        addresses = await resolve(target, allow_private=allow_private)
        reader, writer = await _connect(target, addresses)
        try:
            writer.write(_request(target, body, headers))
            await writer.drain()
            status, response_headers = await _read_head(reader)
            prefix = await _read_prefix(reader, response_headers, prefix_chars)
        finally:
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()
    return Answer(status, prefix)


async def _connect(target: Target, addresses: list[str]) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    context = ssl.create_default_context() if target.scheme == "https" else None
    errors = []
    for address in addresses:
        try:
            return await asyncio.open_connection(
                address,
                target.port,
                ssl=context,
                server_hostname=target.host if context is not None else None,
                limit=_MAX_HEAD,
            )
        except (OSError, ssl.SSLError) as error:
            errors.append(f"{address}: {error.strerror if isinstance(error, OSError) else error}")
    raise OutboundError(f"Could not connect to {target.host}:{target.port} ({'; '.join(errors)}).")


def _request(target: Target, body: bytes, headers: Mapping[str, str]) -> bytes:
    lines = [
        f"POST {target.path} HTTP/1.1",
        f"Host: {target.host_header}",
        f"User-Agent: {USER_AGENT}",
        f"Content-Length: {len(body)}",
        "Connection: close",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    for line in lines:
        if "\r" in line or "\n" in line:
            raise OutboundError("A header holds a line break.")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    while True:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            raise OutboundError("The connection closed before an HTTP answer came.") from None
        except asyncio.LimitOverrunError:
            raise OutboundError("The answer's headers are too long.") from None
        lines = head.decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/") or not code.isdigit():
            raise OutboundError(f"The answer is not HTTP: {lines[0][:80]!r}.")
        status = int(code)
        if 100 <= status < 200:
            continue  # an interim answer (100 Continue): the real one follows
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        return status, headers


async def _read_prefix(reader: asyncio.StreamReader, headers: Mapping[str, str], chars: int) -> str:
    if headers.get("content-length") == "0":
        return ""
    length = headers.get("content-length", "")
    wanted = min(int(length), chars * 4) if length.isdigit() else chars * 4
    data = b""
    with contextlib.suppress(TimeoutError, OSError, ssl.SSLError):
        async with asyncio.timeout(_BODY_WAIT):
            while len(data) < wanted:
                chunk = await reader.read(wanted - len(data))
                if not chunk:
                    break
                data += chunk
    if "chunked" in headers.get("transfer-encoding", "").lower():
        size, _, rest = data.partition(b"\r\n")
        data = rest if size.strip() and all(c in b"0123456789abcdefABCDEF; " for c in size) else data
    return data.decode("utf-8", errors="replace")[:chars]
