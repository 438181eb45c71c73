"""Notices that a case's document changed, for readers who cannot join the live document.

A reader whom only masking visibility policies let into a case reads a redacted copy (`Case.maskedDocument`)
instead of the live document; `maskedDocumentEvents` sends it again after edits. `ChangeNotices` is a rooms'
activity listener (it runs once an update is durable): the first change of a case starts a timer of `delay`
seconds, and when it fires one notice goes out on `topics.case_document`, to every server. So a case edited
without pause gets one notice per `delay` from the server its editors are on, and its last change is always
followed by one; a subscriber that reads the stored document on receiving it reads that change.
"""

from __future__ import annotations

import asyncio
from typing import Final

from server.infra import topics
from server.infra.config import Settings, float_setting
from server.infra.events import EventBus

DELAY_SETTING: Final = "WARROOM_MASKED_COPY_SECONDS"
DEFAULT_DELAY_SECONDS: Final = 1.0


def notice_delay(settings: Settings) -> float:
    """Seconds from a change to the notice that carries it (WARROOM_MASKED_COPY_SECONDS)."""
    return float_setting(settings.extra, DELAY_SETTING, DEFAULT_DELAY_SECONDS, minimum=0.05)


def topic(case_id: str) -> str:
    """The event-bus topic of one case's document-change notices."""
    return topics.case_document(case_id)


class ChangeNotices:
    """The rooms' activity listener: one notice per case per `delay` seconds, after the changes it covers."""

    def __init__(self, events: EventBus, delay: float) -> None:
        self._events = events
        self._delay = delay
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def __call__(self, case_id: str, _author_id: str | None) -> None:
        if case_id not in self._timers:
            loop = asyncio.get_running_loop()
            self._timers[case_id] = loop.call_later(self._delay, self._publish, case_id)

    def _publish(self, case_id: str) -> None:
        del self._timers[case_id]
        self._events.publish(topic(case_id), {"caseId": case_id})

    def close(self) -> None:
        """Drop the notices not yet sent (the server is stopping; its subscribers go with it)."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
