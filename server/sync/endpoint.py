"""The `/sync/{case_id}` WebSocket endpoint: authenticate, then relay y-websocket messages to the room."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import parse_qs

from starlette.types import Receive, Scope, Send

from server.domain import sync_tickets
from server.domain.accounts.watch import CLOSE_SESSION_ENDED, SESSION_ENDED, SessionWatch, Watched
from server.domain.errors import Forbidden, Unauthenticated
from server.domain.sync_tickets import Admission
from server.infra.db import Database
from server.sync import protocol
from server.sync.awareness import CLOSE_POLICY, AwarenessFlood
from server.sync.peer import CLOSE_TOO_SLOW, OutboxPeer
from server.sync.room import UpdateRefused
from server.sync.rooms import Rooms

log = logging.getLogger("warroom.sync")

CLOSE_UNAUTHENTICATED = CLOSE_SESSION_ENDED
CLOSE_FORBIDDEN = 4403
# Only visibility policies that mask the customer open the case: the live document is not served to them
# (the war room shows the redacted read-only copy, `Case.maskedDocument`).
CLOSE_MASKED = 4451
ACCESS_ENDED = "access ended: the visibility policy that opened this case no longer applies"
CLOSE_PROTOCOL = 1002
CLOSE_UNSUPPORTED = 1003
CLOSE_INVALID_PAYLOAD = 1007
CLOSE_INTERNAL = 1011
# Normal closure, going away, no status, connection dropped: clients come and go this way all day.
_ORDINARY_CLOSES = {1000, 1001, 1005, 1006}

# The ASGI scope extension through which server/sync/websocket.py offers a direct write; absent under
# another server, or with the plain uvicorn protocol (WARROOM_FAST_WEBSOCKET=0).
DIRECT_WRITE = "warroom.sync.direct_write"


class _Rejected(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


async def _authorise(db: Database, case_id: str, ticket: str | None, idle: timedelta) -> Admission:
    """Who the `?ticket=` (GraphQL `syncTicket`) lets into `case_id`; the ticket is spent either way.

    The bearer token is not accepted here: a URL is logged by every proxy on its way, a ticket dies in
    seconds. Returns the person (id and name, for presence), the id of the token behind the ticket (what
    closes connections of a revoked token keys them by) and the membership.
    """
    if not ticket:
        raise _Rejected(CLOSE_UNAUTHENTICATED, "missing ticket: ask syncTicket for one")
    async with db.sessions() as session:
        try:
            admission = await sync_tickets.redeem(session, ticket, case_id, idle)
        except Unauthenticated as exc:
            refused = _Rejected(CLOSE_UNAUTHENTICATED, exc.message)
        except sync_tickets.MaskedByPolicy as exc:
            refused = _Rejected(CLOSE_MASKED, exc.message[:120])
        except Forbidden as exc:
            refused = _Rejected(CLOSE_FORBIDDEN, exc.message)
        else:
            await session.commit()
            return admission
        # A refused ticket is spent as well: tried on another case, it must not work on its own later.
        await session.commit()
        raise refused


class SyncEndpoint:
    """A plain ASGI app for `/sync/{case_id}`; one instance serves every case of this process.

    It speaks ASGI directly rather than through Starlette's WebSocket wrapper: every frame of every
    broadcast passes here, and the wrapper's per-call state checks add up.
    """

    def __init__(
        self,
        db: Database,
        rooms: Rooms,
        sessions: SessionWatch,
        *,
        idle: timedelta,
        max_buffered_bytes: int = 16 * 1024 * 1024,
        access_check_seconds: float = 10.0,
    ) -> None:
        self._db = db
        # how often a connection a visibility policy let in asks whether the policy still applies
        self._access_check = access_check_seconds
        self._rooms = rooms
        self._sessions = sessions
        self._idle = idle
        self._max_buffered = max_buffered_bytes
        self.connections = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        case_id = str(scope.get("path_params", {}).get("case_id", ""))
        started = time.monotonic()
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        ticket = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("ticket", [None])[0]
        try:
            admission = await _authorise(self._db, case_id, ticket, self._idle)
        except _Rejected as rejected:
            await send({"type": "websocket.close", "code": rejected.code, "reason": rejected.reason})
            log.info(
                "sync rejected",
                extra={"case_id": case_id, "close_code": rejected.code, "reason": rejected.reason},
            )
            return
        direct = scope.get("extensions", {}).get(DIRECT_WRITE, {})
        member = admission.member
        connection = _Connection(
            case_id,
            admission.user_id,
            member.role.can_edit,
            receive,
            send,
            direct.get("abort"),
            user_name=admission.user_name,
            token_id=admission.token_id,
        )
        await self._serve(
            connection,
            member.role.value,
            admission.token_id,
            started,
            direct.get("write"),
            recheck=admission.via_policy,
        )

    async def _serve(
        self,
        conn: _Connection,
        role: str,
        token_id: str,
        started: float,
        write_now: Callable[[bytes], int] | None,
        *,
        recheck: bool = False,
    ) -> None:
        peer = OutboxPeer(
            conn.user_id,
            conn.can_write,
            conn.transmit,
            conn.disconnect,
            write_now=write_now,
            max_buffered=self._max_buffered,
            user_name=conn.user_name,
        )
        pump = asyncio.create_task(peer.pump(), name=f"sync-pump-{conn.case_id}")
        policy_watch = (
            asyncio.create_task(self._watch_policy(conn, peer), name=f"sync-access-{conn.case_id}")
            if recheck
            else None
        )

        def session_ended() -> None:
            peer.can_write = False  # nothing it sends from now on is applied
            peer.disconnect(CLOSE_SESSION_ENDED, SESSION_ENDED)

        watched: Watched = self._sessions.watch(token_id, session_ended)
        received = 0
        self.connections += 1
        room = None
        try:
            room = await self._rooms.acquire(conn.case_id, peer)
            while conn.close is None:
                frame = await conn.receive()
                if frame["type"] == "websocket.disconnect":
                    conn.client_gone = True
                    conn.close = conn.close or (int(frame.get("code") or 1005), "client left")
                    break
                if conn.close is not None:
                    break  # the server closed it meanwhile (session ended, role changed): read no more
                data = frame.get("bytes")
                if data is None:
                    conn.close = (CLOSE_UNSUPPORTED, "text frames are not part of the y-websocket protocol")
                    break
                received += 1
                message = protocol.decode(data)
                if isinstance(message, protocol.Sync) and message.kind is protocol.SyncKind.STEP1:
                    await room.answer_step1(peer, message.payload)
                else:
                    if isinstance(message, protocol.Sync):
                        watched.used = True  # a write through the socket is a use of the session
                    room.handle(peer, message)
        except AwarenessFlood as exc:
            conn.close = (CLOSE_POLICY, str(exc)[:120])
        except UpdateRefused as exc:
            conn.close = (CLOSE_INVALID_PAYLOAD, str(exc)[:120])
        except protocol.ProtocolError as exc:
            conn.close = (CLOSE_PROTOCOL, f"bad message: {exc}"[:120])
        except Exception:
            log.exception("sync connection failed", extra={"case_id": conn.case_id, "user_id": conn.user_id})
            conn.close = (CLOSE_INTERNAL, "internal error")
        finally:
            watched.end()
            self.connections -= 1
            if room is not None:
                self._rooms.release(room, peer)
            peer.close()
            pump.cancel()
            if policy_watch is not None:
                policy_watch.cancel()
            await asyncio.gather(pump, *([policy_watch] if policy_watch else []), return_exceptions=True)
        code, reason = conn.close if conn.close is not None else (CLOSE_INTERNAL, "internal error")
        if not conn.client_gone and not peer.disconnected:
            with contextlib.suppress(Exception):  # the socket may be gone already; nothing to tell then
                await conn.send({"type": "websocket.close", "code": code, "reason": reason})
        # A client leaving is one line per connection: debug. A close the server decided stays at info.
        level = logging.DEBUG if code in _ORDINARY_CLOSES else logging.INFO
        log.log(
            level,
            "sync closed",
            extra={
                "case_id": conn.case_id,
                "user_id": conn.user_id,
                "role": role,
                "close_code": code,
                "reason": reason,
                "received": received,
                "sent": peer.sent,
                "duration_ms": round((time.monotonic() - started) * 1000),
            },
        )

    async def _watch_policy(self, conn: _Connection, peer: OutboxPeer) -> None:
        """Close a connection a visibility policy let in once no membership or policy opens the case."""
        while True:
            await asyncio.sleep(self._access_check)
            try:
                async with self._db.reads() as session:
                    still = await sync_tickets.still_opens(session, conn.case_id, conn.user_id)
            except Exception:
                log.warning("access recheck failed", exc_info=True, extra={"case_id": conn.case_id})
                continue
            if not still:
                peer.can_write = False
                peer.disconnect(CLOSE_FORBIDDEN, ACCESS_ENDED)
                return


class _Connection:
    """One accepted socket: its ASGI channels and why it is closing."""

    def __init__(
        self,
        case_id: str,
        user_id: str,
        can_write: bool,
        receive: Receive,
        send: Send,
        abort: Callable[[], None] | None = None,
        *,
        user_name: str = "",
        token_id: str = "",
    ) -> None:
        self.case_id = case_id
        self.user_id = user_id
        self.user_name = user_name
        self.token_id = token_id
        """The AuthToken behind the ticket that opened this connection."""
        self.can_write = can_write
        self.receive = receive
        self.send = send
        self._abort = abort
        self.close: tuple[int, str] | None = None
        self.client_gone = False

    async def transmit(self, data: bytes) -> None:
        await self.send({"type": "websocket.send", "bytes": data})

    def disconnect(self, code: int, reason: str) -> None:
        """Close from the server's side (role change, slow client); the receive loop then ends."""
        self.close = (code, reason)
        task = asyncio.ensure_future(self.send({"type": "websocket.close", "code": code, "reason": reason}))
        task.add_done_callback(lambda t: t.exception())
        if code == CLOSE_TOO_SLOW and self._abort is not None:
            # The close frame would wait behind everything the client has not read: drop the connection.
            self._abort()
