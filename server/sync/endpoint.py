"""The `/sync/{case_id}` WebSocket endpoint: authenticate, then relay y-websocket messages to the room."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from starlette.websockets import WebSocket

from server.db import Database
from server.domain import users
from server.ids import is_id
from server.models import Case, CaseMember
from server.sync import protocol
from server.sync.peer import OutboxPeer
from server.sync.room import UpdateRefused
from server.sync.rooms import Rooms

log = logging.getLogger("warroom.sync")

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_PROTOCOL = 1002
CLOSE_UNSUPPORTED = 1003
CLOSE_INVALID_PAYLOAD = 1007
CLOSE_INTERNAL = 1011


class _Rejected(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


async def _authorise(db: Database, case_id: str, token: str | None) -> tuple[str, CaseMember]:
    async with db.sessions() as session:
        user = await users.user_for_token(session, token) if token else None
        if user is None:
            raise _Rejected(CLOSE_UNAUTHENTICATED, "missing, expired or revoked token")
        case = await session.get(Case, case_id) if is_id(case_id) else None
        if case is None:
            raise _Rejected(CLOSE_NOT_FOUND, "no such case")
        member = await session.get(CaseMember, (case_id, user.id))
        if member is None:
            raise _Rejected(CLOSE_FORBIDDEN, "not a member of this case")
        return user.id, member


class SyncEndpoint:
    """An ASGI-callable handler; one instance serves every case of this process."""

    def __init__(self, db: Database, rooms: Rooms) -> None:
        self._db = db
        self._rooms = rooms
        self.connections = 0

    async def __call__(self, websocket: WebSocket) -> None:
        case_id = str(websocket.path_params["case_id"])
        started = time.monotonic()
        await websocket.accept()
        try:
            user_id, member = await _authorise(self._db, case_id, websocket.query_params.get("token"))
        except _Rejected as rejected:
            await websocket.close(rejected.code, rejected.reason)
            log.info(
                "sync rejected",
                extra={"case_id": case_id, "close_code": rejected.code, "reason": rejected.reason},
            )
            return
        await self._serve(websocket, case_id, user_id, member.role.can_edit, member.role.value, started)

    async def _serve(
        self, websocket: WebSocket, case_id: str, user_id: str, can_write: bool, role: str, started: float
    ) -> None:
        close: tuple[int, str] | None = None
        client_gone = False

        def disconnect(code: int, reason: str) -> None:
            nonlocal close
            close = (code, reason)
            task = asyncio.ensure_future(websocket.close(code, reason))
            task.add_done_callback(lambda t: t.exception())

        peer = OutboxPeer(user_id, can_write, websocket.send_bytes, disconnect)
        pump = asyncio.create_task(peer.pump(), name=f"sync-pump-{case_id}")
        received = 0
        self.connections += 1
        room = None
        try:
            room = await self._rooms.acquire(case_id, peer)
            while close is None:
                frame = await websocket.receive()
                if frame["type"] == "websocket.disconnect":
                    client_gone = True
                    close = (int(frame.get("code") or 1005), "client left")
                    break
                data = frame.get("bytes")
                if data is None:
                    close = (CLOSE_UNSUPPORTED, "text frames are not part of the y-websocket protocol")
                    break
                received += 1
                message = protocol.decode(data)
                if isinstance(message, protocol.Sync) and message.kind is protocol.SyncKind.STEP1:
                    await room.answer_step1(peer, message.payload)
                else:
                    room.handle(peer, message)
        except UpdateRefused as exc:
            close = (CLOSE_INVALID_PAYLOAD, str(exc)[:120])
        except protocol.ProtocolError as exc:
            close = (CLOSE_PROTOCOL, f"bad message: {exc}"[:120])
        except Exception:
            log.exception("sync connection failed", extra={"case_id": case_id, "user_id": user_id})
            close = (CLOSE_INTERNAL, "internal error")
        finally:
            self.connections -= 1
            if room is not None:
                self._rooms.release(room, peer)
            peer.close()
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
        code, reason = close if close is not None else (CLOSE_INTERNAL, "internal error")
        if not client_gone and not peer.disconnected:
            with contextlib.suppress(Exception):  # the socket may be gone already; nothing to tell then
                await websocket.close(code, reason)
        log.info(
            "sync closed",
            extra={
                "case_id": case_id,
                "user_id": user_id,
                "role": role,
                "close_code": code,
                "reason": reason,
                "received": received,
                "sent": peer.sent,
                "duration_ms": round((time.monotonic() - started) * 1000),
            },
        )
