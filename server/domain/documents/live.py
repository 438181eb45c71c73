"""What the domain needs from the live documents (the sync rooms), without knowing the transport."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol


class LiveDocuments(Protocol):
    async def settle(self, case_id: str) -> None:
        """Return once every change this server has applied to the case's document is stored."""

    def live_state(self, case_id: str) -> bytes | None:
        """The encoded state of the case's open document on this server; None when it is not open here."""

    def exclusive(self, case_id: str) -> AbstractAsyncContextManager[None]:
        """Hold off other server-made changes to the case (e.g. two restores) on every server."""

    async def apply_update(self, case_id: str, update: bytes, author_id: str | None) -> None:
        """Store `update` as `author_id`'s change and deliver it to every connected client, on any server."""
