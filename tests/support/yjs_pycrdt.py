"""A pycrdt client: pycrdt's own `Provider` over a `websockets` connection, plus the awareness protocol."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import urlencode

from pycrdt import (
    Awareness,
    Doc,
    Provider,
    Subscription,
    XmlElement,
    XmlFragment,
    XmlText,
    YMessageType,
    create_awareness_message,
    read_message,
)
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.support.tickets import fetch_ticket, graphql_url_of
from tests.support.yclient import CloseInfo, EncodedState

_T = TypeVar("_T")

_MAX_MESSAGE = 64 * 1024 * 1024
# What a browser reports when the server refuses the WebSocket handshake itself (an HTTP status).
_ABNORMAL_CLOSURE = 1006


class PycrdtClientError(RuntimeError):
    """The pycrdt client could not do what the test asked (timeout, not connected)."""


def plain_text(node: XmlFragment | XmlElement | XmlText) -> str:
    """Each block's text, blocks separated by a newline (what the Node client's `text` returns)."""
    if isinstance(node, XmlText):
        return "".join(chunk for chunk, _ in node.diff() if isinstance(chunk, str))
    children = list(node.children)
    separator = "\n" if any(isinstance(child, XmlElement) for child in children) else ""
    return separator.join(plain_text(child) for child in children)


class _Channel:
    """pycrdt's `Channel` on a websockets connection; awareness goes aside, sync messages to the Provider."""

    def __init__(self, websocket: ClientConnection, path: str, on_awareness: Callable[[bytes], None]) -> None:
        self._websocket = websocket
        self._path = path
        self._on_awareness = on_awareness
        self.ended = asyncio.Event()

    @property
    def path(self) -> str:
        return self._path

    def __aiter__(self) -> _Channel:
        return self

    async def __anext__(self) -> bytes:
        try:
            return await self.recv()
        except ConnectionClosed:
            self.ended.set()
            raise StopAsyncIteration from None

    async def recv(self) -> bytes:
        while True:
            message = await self._websocket.recv(decode=False)
            if message and message[0] == YMessageType.AWARENESS:
                self._on_awareness(message)
                continue
            return message

    async def send(self, message: bytes) -> None:
        # Like y-websocket, a change made while disconnected is not sent; the next sync carries it.
        with contextlib.suppress(ConnectionClosed):
            await self._websocket.send(message)


class PycrdtYClient:
    """One pycrdt `Doc` synced through pycrdt's `Provider`; its rich text is the `XmlFragment` `body`."""

    def __init__(self, url: str, room: str, token: str | None = None) -> None:
        self.doc: Doc[Any] = Doc()
        self.body = self.doc.get("body", type=XmlFragment)
        self.awareness_state = Awareness(self.doc)
        self.client_id = self.doc.client_id
        self._url = url.rstrip("/")
        self._room = room
        self._token = token
        self._params: dict[str, str] = {}
        self._changed = asyncio.Event()
        self._doc_subscription: Subscription | None = self.doc.observe(lambda _event: self._changed.set())
        self.awareness_state.observe(lambda _topic, _change: self._changed.set())
        self._websocket: ClientConnection | None = None
        self._provider: Provider | None = None
        self._connection: asyncio.Task[None] | None = None
        self.closes: list[CloseInfo] = []
        self._closed = asyncio.Event()

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
        """Connect to `url`/`room` (with a fresh `?ticket=` for `token` when given, minted through the server's
        GraphQL `syncTicket`) and, by default, wait for the first sync."""
        client = cls(url, room, token)
        await client.connect()
        if wait_synced:
            try:
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

    @property
    def url(self) -> str:
        """The WebSocket URL this client connects to, as y-websocket builds it."""
        query = urlencode(self._params)
        return f"{self._url}/{self._room}" + (f"?{query}" if query else "")

    # --- connection -------------------------------------------------------------------------------------

    async def connect(self, token: str | None = None) -> None:
        """Open a connection (again), optionally with a new token; a refused handshake is a 1006 close.
        Each connection with a token gets a ticket of its own (a ticket works once)."""
        if self._connection is not None and not self._connection.done():
            raise PycrdtClientError("already connected")
        self._token = token or self._token
        if self._token is not None:
            ticket = await fetch_ticket(graphql_url_of(self._url), self._room, self._token)
            self._params = {"ticket": ticket}
        self._closed.clear()
        try:
            self._websocket = await connect(self.url, max_size=_MAX_MESSAGE)
        except InvalidStatus as refused:
            self._record_close(CloseInfo(_ABNORMAL_CLOSURE, f"HTTP {refused.response.status_code}"))
            return
        channel = _Channel(self._websocket, f"/{self._room}", self._on_awareness_message)
        self._provider = Provider(self.doc, channel)
        self._connection = asyncio.create_task(self._run(self._websocket, self._provider, channel))
        await self._provider.started.wait()
        await self._send_awareness()

    async def _run(self, websocket: ClientConnection, provider: Provider, channel: _Channel) -> None:
        task = asyncio.create_task(provider.start())
        try:
            await channel.ended.wait()
        finally:
            await provider.stop()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            self._record_close(
                CloseInfo(websocket.close_code or _ABNORMAL_CLOSURE, websocket.close_reason or "")
            )

    def _record_close(self, info: CloseInfo) -> None:
        self.closes.append(info)
        # Others' awareness is only known while connected (y-websocket drops it the same way).
        self.awareness_state.remove_awareness_states(
            [c for c in self.awareness_state.states if c != self.client_id], "disconnected"
        )
        self._closed.set()

    async def disconnect(self) -> None:
        """Close the connection; the document stays in memory."""
        if self._websocket is not None:
            await self._websocket.close()
        if self._connection is not None:
            await self._connection
        self._connection = None

    async def wait_synced(self, timeout: float = 10.0) -> None:
        """Wait until the server's sync step 2 has been applied on the current connection."""
        if self._provider is None:
            raise PycrdtClientError(f"not connected; closes: {self.closes}")
        synced = asyncio.ensure_future(self._provider.synced.wait())
        closed = asyncio.ensure_future(self._closed.wait())
        try:
            await asyncio.wait({synced, closed}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            synced.cancel()
            closed.cancel()
        if not self._provider.synced.is_set():
            raise PycrdtClientError(f"not synced after {timeout} s; closes: {self.closes}")

    async def wait_closed(self, timeout: float = 10.0) -> CloseInfo:
        """Wait for the connection to end and return the close code and reason."""
        try:
            await asyncio.wait_for(self._closed.wait(), timeout)
        except TimeoutError:
            raise PycrdtClientError(f"connection still open after {timeout} s") from None
        if self._connection is not None:
            await self._connection
        return self.closes[-1]

    # --- document ---------------------------------------------------------------------------------------

    async def insert_paragraph(self, text: str, index: int | None = None) -> int:
        """Insert a `paragraph` block holding `text` (at the end by default); return its index."""
        return self._insert_block("paragraph", {}, text, index)

    async def insert_heading(self, text: str, level: int = 1, index: int | None = None) -> int:
        """Insert a `heading` block with attribute `level`; return its index."""
        return self._insert_block("heading", {"level": level}, text, index)

    def _insert_block(self, tag: str, attrs: dict[str, Any], text: str, index: int | None) -> int:
        at = len(self.body.children) if index is None else index
        with self.doc.transaction():
            element = self.body.children.insert(at, XmlElement(tag))
            # y-prosemirror writes attribute values as they are in the node (`level` is a number).
            for key, value in attrs.items():
                element.attributes[key] = value
            element.children.append(XmlText(text))
        return at

    def _text_of_block(self, block: int) -> XmlText:
        element = self.body.children[block]
        text = next((child for child in element.children if isinstance(child, XmlText)), None)
        if not isinstance(element, XmlElement) or text is None:
            raise PycrdtClientError(f"block {block} holds no text")
        return text

    async def insert_text(self, block: int, text: str, offset: int | None = None) -> None:
        """Type `text` into block `block` at `offset` (at its end by default)."""
        ytext = self._text_of_block(block)
        ytext.insert(len(ytext) if offset is None else offset, text)

    async def delete_text(self, block: int, offset: int, length: int) -> None:
        """Delete `length` characters of block `block` from `offset`."""
        del self._text_of_block(block)[offset : offset + length]

    async def text(self) -> str:
        """The plain text of `body`: each block's text, blocks separated by a newline."""
        return plain_text(self.body)

    async def xml(self) -> str:
        """`body` as pycrdt prints it."""
        return str(self.body)

    async def state(self) -> EncodedState:
        """The full state as a Yjs update (v1) and the state vector."""
        return EncodedState(update=self.doc.get_update(), state_vector=self.doc.get_state())

    async def apply_update(self, update: bytes) -> None:
        """Apply a Yjs update locally (the provider sends it on like any local change)."""
        self.doc.apply_update(update)

    async def wait_text(self, contains: str, timeout: float = 10.0) -> str:
        """Wait until the plain text contains `contains`; return the whole text."""
        return await self._until(
            lambda: plain_text(self.body) if contains in plain_text(self.body) else None,
            timeout,
            lambda: f"text containing {contains!r}; text is {plain_text(self.body)!r}",
        )

    # --- awareness --------------------------------------------------------------------------------------

    async def set_awareness(self, state: dict[str, Any] | None) -> None:
        """Replace the local awareness state (None announces that this client left) and send it."""
        self.awareness_state.set_local_state(state)
        await self._send_awareness()

    async def awareness(self) -> dict[int, Any]:
        """Every awareness state this client knows, its own included, by Yjs client id."""
        return dict(self.awareness_state.states)

    async def wait_awareness(self, match: dict[str, Any], timeout: float = 10.0) -> tuple[int, Any]:
        """Wait until another client's awareness state holds every field of `match`; return (id, state)."""

        def found() -> tuple[int, Any] | None:
            for client_id, state in self.awareness_state.states.items():
                if client_id != self.client_id and all(state.get(k) == v for k, v in match.items()):
                    return client_id, state
            return None

        return await self._until(
            found, timeout, lambda: f"awareness matching {match}; seen {self.awareness_state.states}"
        )

    def _on_awareness_message(self, message: bytes) -> None:
        self.awareness_state.apply_awareness_update(read_message(message[1:]), "remote")

    async def _send_awareness(self) -> None:
        if self._websocket is None:
            return
        update = self.awareness_state.encode_awareness_update([self.client_id])
        with contextlib.suppress(ConnectionClosed):
            await self._websocket.send(create_awareness_message(update))

    # --- lifecycle ----------------------------------------------------------------------------------------

    async def close(self) -> None:
        """Disconnect and stop observing the document."""
        await self.disconnect()
        if self._doc_subscription is not None:
            self.doc.unobserve(self._doc_subscription)
            self._doc_subscription = None

    async def _until(self, probe: Callable[[], _T | None], timeout: float, describe: Callable[[], str]) -> _T:
        async def wait() -> _T:
            while True:
                self._changed.clear()
                value = probe()
                if value is not None:
                    return value
                await self._changed.wait()

        try:
            return await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            raise PycrdtClientError(f"timed out after {timeout} s waiting for {describe()}") from None
