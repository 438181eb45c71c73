"""A real npm `yjs` + `y-websocket` client in Node, driven by JSON lines (tests/js/yclient.mjs)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import shutil
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from tests.support.js_packages import ensure_installed
from tests.support.tickets import graphql_url_of
from tests.support.yclient import CloseInfo, EncodedState

JSONValue = Any
Event = dict[str, JSONValue]

_DRIVER = "yclient.mjs"
# Encoded document states travel as one JSON line; the default 64 KiB line limit is too small.
_LINE_LIMIT = 64 * 1024 * 1024


class NodeClientError(RuntimeError):
    """The Node client refused a request or died; the message carries its reason and stderr."""


class NodeYClient:
    """One y-websocket `WebsocketProvider` on one `Y.Doc`, whose rich text is the `XmlFragment` `body`."""

    def __init__(self, process: asyncio.subprocess.Process, request_timeout: float) -> None:
        self._process = process
        self._request_timeout = request_timeout
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[JSONValue]] = {}
        self._events: list[Event] = []
        self._events_changed = asyncio.Condition()
        self._stderr = bytearray()
        self._ready = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read_stdout())
        self._stderr_reader = asyncio.create_task(self._read_stderr())
        self.client_id = 0
        self._closes_taken = 0

    @classmethod
    async def spawn(cls, *, request_timeout: float = 15.0) -> Self:
        """Start the Node process without connecting (then call `open`)."""
        node = shutil.which("node")
        if node is None:
            raise NodeClientError("node is not on PATH: install Node 20+ to run the JavaScript Yjs clients")
        js_dir = await asyncio.to_thread(ensure_installed)
        process = await asyncio.create_subprocess_exec(
            node,
            str(js_dir / _DRIVER),
            cwd=js_dir,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=_LINE_LIMIT,
        )
        client = cls(process, request_timeout)
        try:
            client.client_id = int(await asyncio.wait_for(asyncio.shield(client._ready), request_timeout))
        except BaseException:
            await client.close()
            raise
        return client

    @classmethod
    async def start(
        cls,
        url: str,
        room: str,
        token: str | None = None,
        *,
        wait_synced: bool = True,
        timeout: float = 10.0,
    ) -> Self:
        """Connect to `url`/`room` and, by default, wait for the first sync. With `token`, the client asks
        the server's GraphQL `syncTicket` for a ticket before every connection, reconnections included."""
        client = await cls.spawn()
        try:
            await client.open(url, room, token=token)
            if wait_synced:
                await client.wait_synced(timeout)
        except BaseException:
            await client.close()
            raise
        return client

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # --- connection -------------------------------------------------------------------------------------

    async def open(self, url: str, room: str, *, token: str | None = None) -> None:
        """Create the provider on `url`/`room`; it connects at once (with tickets for `token` if given)."""
        args = {"url": url, "room": room}
        if token is not None:
            args |= {"token": token, "graphql_url": graphql_url_of(url)}
        await self._request("open", args)

    async def connect(self, token: str | None = None) -> None:
        """Reconnect after `disconnect` (or after a terminal close), optionally with a new token."""
        await self._request("connect", {} if token is None else {"token": token})

    async def disconnect(self) -> None:
        """Close the socket and stop reconnecting; the document stays in memory."""
        await self._request("disconnect")

    async def wait_synced(self, timeout: float = 10.0) -> None:
        """Wait until the provider reports `sync: true` on its current connection."""
        await self._request("wait_synced", {"timeout_ms": _ms(timeout)}, wait=timeout)

    async def wait_closed(self, timeout: float = 10.0) -> CloseInfo:
        """Wait for the server's next close (one not returned before); return its code and reason."""
        event = await self.wait_event(
            "connection-close",
            lambda e: not e["local"] and e["code"] is not None,
            skip=self._closes_taken,
            timeout=timeout,
        )
        self._closes_taken += 1
        return CloseInfo(code=int(event["code"]), reason=str(event["reason"] or ""))

    # --- document ---------------------------------------------------------------------------------------

    async def insert_paragraph(self, text: str, index: int | None = None) -> int:
        """Insert a `paragraph` block holding `text` (at the end by default); return its index."""
        return int(await self._request("insert_paragraph", {"text": text, "index": index}))

    async def insert_heading(self, text: str, level: int = 1, index: int | None = None) -> int:
        """Insert a `heading` block with attribute `level`; return its index."""
        return int(await self._request("insert_heading", {"text": text, "level": level, "index": index}))

    async def insert_text(self, block: int, text: str, offset: int | None = None) -> None:
        """Type `text` into block `block` at `offset` (at its end by default)."""
        await self._request("insert_text", {"block": block, "text": text, "offset": offset})

    async def delete_text(self, block: int, offset: int, length: int) -> None:
        """Delete `length` characters of block `block` from `offset`."""
        await self._request("delete_text", {"block": block, "offset": offset, "length": length})

    async def text(self) -> str:
        """The plain text of `body`: each block's text, blocks separated by a newline."""
        return str(await self._request("text"))

    async def xml(self) -> str:
        """`body` as Yjs prints it, e.g. `<heading level="1">T</heading><paragraph>p</paragraph>`."""
        return str(await self._request("xml"))

    async def state(self) -> EncodedState:
        """`Y.encodeStateAsUpdate(doc)` and `Y.encodeStateVector(doc)`."""
        result = await self._request("state")
        return EncodedState(
            update=base64.b64decode(result["update"]), state_vector=base64.b64decode(result["state_vector"])
        )

    async def apply_update(self, update: bytes) -> None:
        """Apply a Yjs update locally (it is then sent to the server like any local change)."""
        await self._request("apply_update", {"update": base64.b64encode(update).decode()})

    async def wait_text(self, contains: str, timeout: float = 10.0) -> str:
        """Wait until the plain text contains `contains`; return the whole text."""
        args = {"contains": contains, "timeout_ms": _ms(timeout)}
        return str(await self._request("wait_text", args, wait=timeout))

    # --- awareness --------------------------------------------------------------------------------------

    async def set_awareness(self, state: dict[str, JSONValue] | None) -> None:
        """Replace the local awareness state (None announces that this client left)."""
        await self._request("set_awareness", {"state": state})

    async def awareness(self) -> dict[int, JSONValue]:
        """Every awareness state this client knows, its own included, by Yjs client id."""
        states = await self._request("awareness")
        return {int(client_id): state for client_id, state in states.items()}

    async def wait_awareness(
        self, match: dict[str, JSONValue], timeout: float = 10.0
    ) -> tuple[int, JSONValue]:
        """Wait until another client's awareness state holds every field of `match`; return (id, state)."""
        args = {"match": match, "timeout_ms": _ms(timeout)}
        found = await self._request("wait_awareness", args, wait=timeout)
        return int(found["client_id"]), found["state"]

    # --- events -----------------------------------------------------------------------------------------

    @property
    def events(self) -> list[Event]:
        """Every event the client reported so far (status, sync, connection-close, closed, awareness...)."""
        return list(self._events)

    async def wait_event(
        self,
        kind: str,
        predicate: Callable[[Event], bool] = lambda _: True,
        *,
        skip: int = 0,
        timeout: float = 10.0,
    ) -> Event:
        """Return the first event of `kind` (seen or coming) for which `predicate` holds, past `skip` such."""

        def found() -> Event | None:
            matching = (e for e in self._events if e["event"] == kind and predicate(e))
            return next(itertools.islice(matching, skip, None), None)

        async with self._events_changed:
            try:
                await asyncio.wait_for(
                    self._events_changed.wait_for(lambda: found() is not None or self._reader.done()), timeout
                )
            except TimeoutError:
                raise NodeClientError(
                    f"no {kind!r} event within {timeout} s; events: {self._events}{self._stderr_tail()}"
                ) from None
        event = found()
        if event is None:
            raise NodeClientError(f"the Node client exited before a {kind!r} event{self._stderr_tail()}")
        return event

    # --- lifecycle ----------------------------------------------------------------------------------------

    async def close(self) -> None:
        """Destroy the provider and end the Node process (killed if it does not leave within 5 s)."""
        if self._process.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._request("close"), 5)
            with contextlib.suppress(ProcessLookupError, BrokenPipeError, ConnectionResetError):
                if self._process.stdin is not None:
                    self._process.stdin.close()
            try:
                await asyncio.wait_for(self._process.wait(), 5)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()
        for task in (self._reader, self._stderr_reader):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # --- wire -----------------------------------------------------------------------------------------------

    async def _request(self, op: str, args: dict[str, JSONValue] | None = None, wait: float = 0) -> JSONValue:
        if self._reader.done():
            raise NodeClientError(f"the Node client has exited{self._stderr_tail()}")
        self._next_id += 1
        request_id = self._next_id
        reply: asyncio.Future[JSONValue] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = reply
        line = json.dumps({"id": request_id, "op": op, **(args or {})}) + "\n"
        assert self._process.stdin is not None
        self._process.stdin.write(line.encode())
        await self._process.stdin.drain()
        # The Node side enforces `wait`; the margin covers its reply travelling back.
        deadline = self._request_timeout + wait
        try:
            return await asyncio.wait_for(reply, deadline)
        except TimeoutError:
            raise NodeClientError(f"no reply to {op!r} within {deadline} s{self._stderr_tail()}") from None
        finally:
            self._pending.pop(request_id, None)

    async def _read_stdout(self) -> None:
        assert self._process.stdout is not None
        try:
            async for raw in self._process.stdout:
                message = json.loads(raw)
                if "event" in message:
                    await self._on_event(message)
                    continue
                reply = self._pending.get(message["id"])
                if reply is None or reply.done():
                    continue
                if message["ok"]:
                    reply.set_result(message["result"])
                else:
                    reply.set_exception(NodeClientError(str(message["error"])))
        finally:
            await self._process.wait()
            error = NodeClientError(
                f"the Node client exited ({self._process.returncode}){self._stderr_tail()}"
            )
            for reply in self._pending.values():
                if not reply.done():
                    reply.set_exception(error)
            if not self._ready.done():
                self._ready.set_exception(error)
            async with self._events_changed:
                self._events_changed.notify_all()

    async def _on_event(self, event: Event) -> None:
        if event["event"] == "ready" and not self._ready.done():
            self._ready.set_result(event["client_id"])
            return
        async with self._events_changed:
            self._events.append(event)
            self._events_changed.notify_all()

    async def _read_stderr(self) -> None:
        assert self._process.stderr is not None
        async for raw in self._process.stderr:
            self._stderr.extend(raw)

    def _stderr_tail(self) -> str:
        text = self._stderr[-2000:].decode(errors="replace").strip()
        return f"\nNode stderr:\n{text}" if text else ""


def _ms(seconds: float) -> int:
    return round(seconds * 1000)
