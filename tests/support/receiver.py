"""A webhook receiver as R&D's tracker would run one: a small Starlette app under uvicorn on a free port.

It answers each request with the next status of its script (then 200), checks the signature with the
secret it is given, and accepts each delivery once: a repeat of an accepted `X-Warroom-Delivery` is
answered 200 and dropped, as the docs tell receivers to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
from collections import deque
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tests.support.servers import free_port

HANG = -1  # a script entry: hold the request open until the receiver stops (the sender dies meanwhile)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int  # what the receiver answered (HANG for a request it held)
    signature_ok: bool

    @property
    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


@dataclass
class Receiver:
    port: int
    secret: str | None = None
    script: deque[int] = field(default_factory=deque)
    requests: list[Received] = field(default_factory=list)
    accepted: dict[str, dict[str, Any]] = field(default_factory=dict)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    hanging: asyncio.Event = field(default_factory=asyncio.Event)
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/warroom?source=测试"

    def answer(self, statuses: Iterable[int]) -> None:
        """Answer the next requests with these statuses (200 once they are used up)."""
        self.script.extend(statuses)

    def verify(self, body: bytes, signature: str) -> bool:
        """The check every receiver makes: HMAC-SHA256 of the raw body, compared in constant time."""
        if self.secret is None:
            return False
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        headers = {k.lower(): v for k, v in request.headers.items()}
        ok = self.verify(body, headers.get("x-warroom-signature", ""))
        status = self.script.popleft() if self.script else 200
        self.requests.append(Received(headers, body, status, ok))
        self.arrived.set()
        if status == HANG:
            self.hanging.set()
            await self._release.wait()
            return PlainTextResponse("released", 503)
        if status == 200 and not ok:
            return PlainTextResponse("bad signature", 401)
        if status == 200:
            delivery = headers["x-warroom-delivery"]
            if delivery not in self.accepted:
                self.accepted[delivery] = json.loads(body)
            return PlainTextResponse("accepted 已接收")
        return PlainTextResponse(f"try again later ({status}) 稍后重试", status)

    async def wait_for(self, count: int, timeout: float = 60) -> None:
        """Until `count` requests arrived."""
        async with asyncio.timeout(timeout):
            while len(self.requests) < count:
                self.arrived.clear()
                await self.arrived.wait()


@asynccontextmanager
async def running_receiver(statuses: Iterable[int] = ()) -> AsyncIterator[Receiver]:
    """A receiver listening on 127.0.0.1 for the block."""
    receiver = Receiver(free_port())
    receiver.answer(statuses)
    app = Starlette(routes=[Route("/hooks/warroom", receiver.handle, methods=["POST"])])
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=receiver.port,
        log_level="warning",
        # uvicorn's own logging config would stop `uvicorn.*` records reaching the root logger for the rest
        # of the session (tests/infra/test_logs.py then saw nothing).
        log_config=None,
        lifespan="off",
        ws="none",
        http="h11",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(10):
            while not server.started:
                await asyncio.sleep(0.02)
        yield receiver
    finally:
        receiver._release.set()
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
