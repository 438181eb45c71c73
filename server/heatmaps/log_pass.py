"""The CPU part of a heatmap run over a case's update log: plain values in and out, no database.

`heatmap_store` reads the log and stores the results; `compute` runs in between, in a child process
(`server.infra.offload`), so everything here pickles and the module imports only what the computation needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final, NamedTuple

from server.heatmaps.edits import EditLedger, LogEntry
from server.heatmaps.sections import Section, SectionHeatmap, ranked, section_heatmap
from server.yjs.states import merged_state
from server.yjs.update import MalformedUpdateError

SECTIONS_FORMAT: Final = 1


class LogRow(NamedTuple):
    """A row of the log as `_compute` reads it: plain values, so that it pickles (server.infra.offload)."""

    part: int
    """0: the checkpoint; 1: an update"""
    id: int
    author_id: str | None
    created_at: datetime | None
    compacted: bool
    data: bytes


@dataclass(frozen=True, slots=True)
class Computed:
    ledger: bytes
    days: dict[tuple[str, date], list[int]]
    """(author, UTC day) -> [chars inserted, chars deleted]"""
    sections: dict[str, Any]
    malformed: tuple[tuple[int, str], ...]
    """(update id, why) of each update the heatmap could not read"""
    last_update_id: int


class UnreadableLedger(Exception):
    """The stored ledger is not a dump this code reads (corrupt, or written by another version)."""


def compute(ledger_dump: bytes | None, rows: Sequence[LogRow], fresh: Iterable[LogRow]) -> Computed:
    """The CPU part of a run (in a child process): decode the new rows, rebuild the sections."""
    try:
        ledger = EditLedger() if ledger_dump is None else EditLedger.load(ledger_dump)
    except ValueError as error:
        raise UnreadableLedger(str(error)) from None
    days: dict[tuple[str, date], list[int]] = {}
    malformed: list[tuple[int, str]] = []
    last = 0
    for row in fresh:
        last = max(last, row.id)
        assert row.created_at is not None, "updates (part 1) have a time"
        try:
            edits = ledger.add(LogEntry(row.author_id, row.created_at, row.data))
        except MalformedUpdateError as error:
            malformed.append((row.id, str(error)))
            continue
        for edit in edits:
            counts = days.setdefault((edit.author_id, edit.at.astimezone(UTC).date()), [0, 0])
            counts[0] += edit.chars_inserted
            counts[1] += edit.chars_deleted
    sections = section_heatmap(current_document(rows), ledger.client_authors)
    return Computed(ledger.dump(), days, sections_to_json(sections), tuple(malformed), last)


def current_document(rows: Sequence[LogRow]) -> bytes:
    """The encoded current document: the checkpoint plus the rows not merged into it yet."""
    parts = [row.data for row in rows if row.part == 0 or not row.compacted]
    return parts[0] if len(parts) == 1 else merged_state(parts)


def sections_to_json(heatmap: SectionHeatmap) -> dict[str, Any]:
    """The section heatmap as JSON for `HeatmapState.sections`."""
    return {
        "format": SECTIONS_FORMAT,
        "sections": [
            {
                "title": s.title,
                "level": s.level,
                "heading_id": s.heading_id,
                "chars": dict(s.chars_by_author),
                "unattributed": s.unattributed_chars,
            }
            for s in heatmap.sections
        ],
    }


def sections_from_json(data: Mapping[str, Any]) -> SectionHeatmap:
    """The section heatmap stored by `sections_to_json`."""
    if data.get("format") != SECTIONS_FORMAT:
        raise ValueError(f"stored sections of format {data.get('format')!r}, expected {SECTIONS_FORMAT}")
    sections = tuple(
        Section(
            index,
            str(s["title"]),
            None if s["level"] is None else int(s["level"]),
            None if s["heading_id"] is None else str(s["heading_id"]),
            {str(author): int(chars) for author, chars in s["chars"].items()},
            int(s["unattributed"]),
        )
        for index, s in enumerate(data["sections"])
    )
    return ranked(sections)
