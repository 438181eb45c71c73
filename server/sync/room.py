"""One live case document shared by its connected peers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from pycrdt import Doc, TransactionEvent

from server.sync import protocol
from server.sync.awareness import AwarenessLimits, Speaker
from server.sync.fanout import KIND_ACCESS, KIND_AWARENESS, KIND_UPDATE, Fanout
from server.sync.peer import Peer
from server.sync.protocol import AwarenessEntry, SyncKind
from server.sync.writer import UpdateWriter

log = logging.getLogger("warroom.sync.room")

# Called after an update of this server is durable: (case_id, author_id).
ActivityListener = Callable[[str, str | None], None]


CLOSE_ACCESS_CHANGED = 4409


class UpdateRefused(protocol.ProtocolError):
    """pycrdt could not apply the update."""


class Room:
    """Holds the Doc, the peers and their awareness; durable-before-broadcast for every update.

    Only the event loop's thread touches a room, so it needs no locks: each method runs to
    completion between awaits.
    """

    def __init__(
        self,
        case_id: str,
        writer: UpdateWriter,
        fanout: Fanout,
        on_activity: ActivityListener | None = None,
        awareness_limits: AwarenessLimits | None = None,
    ) -> None:
        self.case_id = case_id
        self.doc: Doc[Any] = Doc()
        self.peers: set[Peer] = set()
        self.awareness: dict[int, AwarenessEntry] = {}
        self._clocks: dict[int, int] = {}
        """The last awareness clock accepted per client id, kept after it leaves (as in y-protocols)."""
        self.updates_stored = 0
        self.version = 0
        """Counts the doc's changes (every transaction that changed it, whatever its origin)."""
        self._limits = awareness_limits or AwarenessLimits()
        self._speakers: dict[Peer, Speaker] = {}
        self._owners: dict[int, Speaker] = {}
        """Who speaks for each client id of this server's connections (server/sync/awareness.py)."""
        self._writer = writer
        self._fanout = fanout
        self._on_activity = on_activity
        self._captured: bytes | None = None
        self._pending = 0
        self._all_durable = asyncio.Event()
        self._all_durable.set()
        self._subscription = self.doc.observe(self._capture)
        # Awareness news waiting for the room's next awareness message (client id -> newest entry).
        self._unsent: dict[int, AwarenessEntry] = {}
        self._unpublished: dict[int, AwarenessEntry] = {}
        self._send_scheduled = False

    def _capture(self, event: TransactionEvent) -> None:
        self._captured = event.update
        self.version += 1

    def _apply(self, update: bytes) -> bytes | None:
        """Apply an update; returns what it changed (None when it changed nothing)."""
        self._captured = None
        try:
            self.doc.apply_update(update)
        except Exception as exc:  # noqa: BLE001 - pycrdt reports undecodable updates as various errors
            raise UpdateRefused(f"update refused: {exc}") from None
        captured, self._captured = self._captured, None
        # An update that adds nothing still encodes as two empty sections.
        return captured if captured and captured != b"\x00\x00" else None

    def load(self, updates: list[bytes]) -> None:
        """Fill the doc from storage before any peer joins."""
        with self.doc.transaction():
            for data in updates:
                self.doc.apply_update(data)

    # ---- peers ---------------------------------------------------------------------------

    def join(self, peer: Peer) -> None:
        self.peers.add(peer)
        self._speakers[peer] = Speaker(
            peer.user_id, peer.user_name, self._limits, asyncio.get_running_loop().time()
        )
        peer.send(protocol.encode_sync(SyncKind.STEP1, self.doc.get_state()))
        if self.awareness:
            payload = protocol.encode_awareness_update(list(self.awareness.values()))
            peer.send(protocol.encode_awareness(payload))

    def leave(self, peer: Peer) -> None:
        self.peers.discard(peer)
        speaker = self._speakers.pop(peer, None)
        if speaker is None or speaker.client_id is None:
            return
        client_id = speaker.client_id
        self._owners.pop(client_id, None)
        entry = self.awareness.pop(client_id, None)
        if entry is not None:
            self._clocks[client_id] = entry.clock + 1
            self._announce([AwarenessEntry(client_id, entry.clock + 1, "null")], publish=True)

    # ---- messages from local peers -----------------------------------------------------------

    def handle(self, peer: Peer, message: protocol.Message) -> None:
        """Handle every message except sync step 1 (see `answer_step1`)."""
        if isinstance(message, protocol.Sync):
            if message.kind is SyncKind.STEP1:
                raise protocol.ProtocolError("step 1 must go through answer_step1")
            if peer.can_write:
                self._local_update(peer, message.payload)
        elif isinstance(message, protocol.Awareness):
            self._awareness(peer, message.payload)
        elif isinstance(message, protocol.QueryAwareness):
            speaker = self._speakers.get(peer)
            if speaker is None or not speaker.admit(asyncio.get_running_loop().time()):
                return
            payload = protocol.encode_awareness_update(list(self.awareness.values()))
            peer.send(protocol.encode_awareness(payload))

    async def answer_step1(self, peer: Peer, state_vector: bytes) -> None:
        """Send the peer what it lacks, once nothing in the doc is waiting for its commit."""
        while self._pending:
            await self._all_durable.wait()
        try:
            diff = self.doc.get_update(state_vector)
        except Exception as exc:  # noqa: BLE001 - likewise for state vectors
            raise protocol.ProtocolError(f"bad state vector: {exc}") from None
        peer.send(protocol.encode_sync(SyncKind.STEP2, diff))

    def _local_update(self, peer: Peer | None, update: bytes, author_id: str | None = None) -> None:
        effective = self._apply(update)
        if effective is None:
            return
        author = peer.user_id if peer is not None else author_id
        self._pending += 1
        self._all_durable.clear()

        def durable() -> None:
            self._pending -= 1
            if not self._pending:
                self._all_durable.set()
            self.updates_stored += 1
            self._broadcast(protocol.encode_sync(SyncKind.UPDATE, effective), exclude=peer)
            self._fanout.publish(self.case_id, KIND_UPDATE, effective)
            if self._on_activity is not None:
                self._on_activity(self.case_id, author)

        self._writer.submit(self.case_id, author, effective, durable)

    def apply_server_update(self, update: bytes, author_id: str | None) -> None:
        """Apply a change made by the server on someone's behalf (e.g. a restore), like a peer's."""
        self._local_update(None, update, author_id)

    def _awareness(self, peer: Peer, payload: bytes) -> None:
        """Relay the state of the sender's own client id, signed with its name, at the allowed rate."""
        speaker = self._speakers.get(peer)
        if speaker is None:
            return
        entry = speaker.own(protocol.decode_awareness(payload, parse=False), self._free)
        if entry is None:
            return
        self._owners.setdefault(entry.client_id, speaker)
        if speaker.admit(asyncio.get_running_loop().time()):
            speaker.held = None
            self._relay(speaker, entry)
            return
        speaker.held = entry
        if not speaker.releasing:
            speaker.releasing = True
            asyncio.get_running_loop().call_later(speaker.wait(), self._release, peer)

    def _free(self, client_id: int) -> bool:
        return client_id not in self._owners and client_id not in self.awareness

    def _release(self, peer: Peer) -> None:
        speaker = self._speakers.get(peer)
        if speaker is None:
            return
        speaker.releasing = False
        entry = speaker.release(asyncio.get_running_loop().time())
        if entry is not None:
            self._relay(speaker, entry)
        elif speaker.held is not None:
            speaker.releasing = True
            asyncio.get_running_loop().call_later(speaker.wait(), self._release, peer)

    def _relay(self, speaker: Speaker, entry: AwarenessEntry) -> None:
        signed = speaker.sign(entry)
        if signed is None:
            log.debug("awareness state dropped", extra={"case_id": self.case_id, "user_id": speaker.user_id})
            return
        self._announce(self._accept([signed]), publish=True)

    def _announce(self, entries: list[AwarenessEntry], *, publish: bool) -> None:
        """Queue awareness news for the room's next awareness message, sent once the loop has handled
        what arrived with it.

        Every y-websocket client sends back each awareness message it receives, and renews its own
        state every 15 s, all clients of a page together. One message per change meant, in a room of
        n clients renewing at once, n² frames out and n·(n-1) echoes back to decode; one message for
        the changes that arrived together means n frames out and n echoes, for clients and server alike.
        """
        if not entries:
            return
        for entry in entries:
            self._unsent[entry.client_id] = entry
            if publish:
                self._unpublished[entry.client_id] = entry
        if not self._send_scheduled:
            self._send_scheduled = True
            asyncio.get_running_loop().call_soon(self._send_awareness)

    def _send_awareness(self) -> None:
        self._send_scheduled = False
        unsent, self._unsent = self._unsent, {}
        unpublished, self._unpublished = self._unpublished, {}
        if unsent:
            # Like the reference server, the sender gets its own awareness back: it proves the link alive.
            payload = protocol.encode_awareness_update(list(unsent.values()))
            self._broadcast(protocol.encode_awareness(payload), exclude=None)
        if unpublished:
            published = protocol.encode_awareness_update(list(unpublished.values()))
            self._fanout.publish(self.case_id, KIND_AWARENESS, published)

    def _accept(self, entries: list[AwarenessEntry]) -> list[AwarenessEntry]:
        """Remember the entries that are news, and return them.

        y-protocols' rule: an entry counts only with a newer clock than the room's (or as the removal
        of a present state at the same clock). A y-websocket client sends back every awareness change
        it receives, with the clock it came with: forwarding those echoes would turn each change in a
        room of n clients into n² frames.
        """
        news = []
        for entry in entries:
            clock = self._clocks.get(entry.client_id, 0)
            present = entry.client_id in self.awareness
            removal = entry.state == "null"
            if not (clock < entry.clock or (clock == entry.clock and removal and present)):
                continue
            self._clocks[entry.client_id] = entry.clock
            if removal:
                self.awareness.pop(entry.client_id, None)
            else:
                self.awareness[entry.client_id] = entry
            news.append(entry)
        return news

    # ---- traffic from other servers ------------------------------------------------------------

    def apply_remote(self, kind: bytes, payload: bytes) -> None:
        """Apply what another server published; it is already durable there."""
        if kind == KIND_UPDATE:
            effective = self._apply(payload)
            if effective is not None:
                self._broadcast(protocol.encode_sync(SyncKind.UPDATE, effective), exclude=None)
        elif kind == KIND_AWARENESS:
            # Another server checked its own connections' entries.
            self._announce(self._accept(protocol.decode_awareness(payload)), publish=False)
        elif kind == KIND_ACCESS:
            self.set_access(payload[1:].decode(), payload[:1] == b"1")

    def set_access(self, user_id: str, can_write: bool) -> None:
        """A member's write permission changed: their connections close and resync under the new role.

        Switching a live peer's flag is not enough: once updates of a client were dropped, its later
        ones depend on them and could never apply, so the client must reconnect and sync afresh.
        """
        for peer in list(self.peers):
            if peer.user_id == user_id and peer.can_write != can_write:
                peer.disconnect(CLOSE_ACCESS_CHANGED, "your role in this case changed; reconnect")

    def _broadcast(self, frame: bytes, exclude: Peer | None) -> None:
        for peer in self.peers:
            if peer is not exclude:
                peer.send(frame)

    @property
    def pending(self) -> int:
        return self._pending

    async def wait_durable(self) -> None:
        """Return once every update applied so far is committed."""
        while self._pending:
            await self._all_durable.wait()
