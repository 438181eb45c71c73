"""Awareness (presence) as the server enforces it: whose client ids a connection may speak for, how large a
state may be, how often it is relayed, and under whose name.

A y-websocket client announces one client id (its Y.Doc's) and sends back every awareness change it
receives, other clients' included. So a connection owns the first client id it announces that nobody in
the room holds; entries for any other id are dropped without a word (they are echoes, or someone else's).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from server.sync import protocol
from server.sync.protocol import AwarenessEntry

CLOSE_POLICY = 1008


@dataclass(frozen=True)
class AwarenessLimits:
    max_state_bytes: int = 8 * 1024
    """A larger state (its JSON text, UTF-8) is dropped: presence is a name, a colour and a cursor."""
    rate: float = 20.0
    """States relayed per second per connection; faster ones are held back and only the newest goes out."""
    burst: int = 20
    flood_rate: float = 200.0
    flood_burst: int = 1000
    """Held-back messages a connection may send beyond `rate` (refilled at `flood_rate` per second) before
    it is closed: about 220 messages per second, kept up for seconds, is no browser's cursor."""


class AwarenessFlood(protocol.ProtocolError):
    """A connection kept sending awareness far faster than it is relayed."""


class Speaker:
    """One connection's side of awareness: the person behind it, its client id, its rate budget."""

    __slots__ = (
        "_flood",
        "_stamp",
        "_tokens",
        "client_id",
        "held",
        "limits",
        "releasing",
        "user_id",
        "user_name",
    )

    def __init__(self, user_id: str, user_name: str, limits: AwarenessLimits, now: float) -> None:
        self.user_id = user_id
        self.user_name = user_name
        self.limits = limits
        self.client_id: int | None = None
        self.held: AwarenessEntry | None = None
        """The newest state over the rate, relayed when the budget allows (a cursor's last place is kept)."""
        self.releasing = False
        self._tokens = float(limits.burst)
        self._flood = float(limits.flood_burst)
        self._stamp = now

    def admit(self, now: float) -> bool:
        """Spend one message of the budget; False when it is spent (raises when the flood budget is too)."""
        self._refill(now)
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        self._flood -= 1
        if self._flood < 0:
            raise AwarenessFlood(f"more than {self.limits.rate:g} awareness messages per second, sustained")
        return False

    def release(self, now: float) -> AwarenessEntry | None:
        """The held-back entry, once the budget allows it; None otherwise."""
        self._refill(now)
        if self.held is None or self._tokens < 1:
            return None
        self._tokens -= 1
        held, self.held = self.held, None
        return held

    def wait(self) -> float:
        """Seconds until the budget holds a message again."""
        return max(0.0, (1 - self._tokens) / self.limits.rate)

    def _refill(self, now: float) -> None:
        elapsed = now - self._stamp
        self._stamp = now
        limits = self.limits
        self._tokens = min(limits.burst, self._tokens + elapsed * limits.rate)
        self._flood = min(limits.flood_burst, self._flood + elapsed * limits.flood_rate)

    def own(self, entries: list[AwarenessEntry], free: Callable[[int], bool]) -> AwarenessEntry | None:
        """This connection's entry among `entries` (the last if several), claiming the first client id it
        announces that is `free` (nobody in the room holds it); None when there is none."""
        mine = None
        for entry in entries:
            if self.client_id is None and entry.state != "null" and free(entry.client_id):
                self.client_id = entry.client_id
            if entry.client_id == self.client_id:
                mine = entry
        return mine

    def sign(self, entry: AwarenessEntry) -> AwarenessEntry | None:
        """`entry` with `user.id` and `user.name` set to the signed-in person's; None when it is too large
        or not a JSON object. A removal ("null") passes as it is."""
        if entry.state == "null":
            return entry
        if len(entry.state) > self.limits.max_state_bytes or (
            len(entry.state.encode()) > self.limits.max_state_bytes
        ):
            return None
        try:
            state = json.loads(entry.state)
        except ValueError:
            raise protocol.ProtocolError("awareness state is not JSON") from None
        if not isinstance(state, dict):
            return None
        user = state.get("user")
        state["user"] = {
            **(user if isinstance(user, dict) else {}),
            "id": self.user_id,
            "name": self.user_name,
        }
        text = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
        return AwarenessEntry(entry.client_id, entry.clock, text)
