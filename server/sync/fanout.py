"""Room traffic between server processes: each durable update and awareness change, per case."""

from __future__ import annotations

from collections.abc import Callable

from server.infra.pubsub import PubSub

KIND_UPDATE = b"u"
KIND_AWARENESS = b"a"
KIND_ACCESS = b"w"  # payload: b"1" or b"0" (may write) + the user id

# Receives (kind, payload) that another server published for one case.
Handler = Callable[[bytes, bytes], None]


class Fanout:
    """Frames are `kind (1 byte) + payload` on the channel `room:<case id>`."""

    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub

    async def subscribe(self, case_id: str, handler: Handler) -> None:
        await self._pubsub.subscribe(f"room:{case_id}", lambda frame: handler(frame[:1], frame[1:]))

    async def unsubscribe(self, case_id: str) -> None:
        await self._pubsub.unsubscribe(f"room:{case_id}")

    def publish(self, case_id: str, kind: bytes, payload: bytes) -> None:
        self._pubsub.publish(f"room:{case_id}", kind + payload)
