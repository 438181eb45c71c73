"""Who inserted and who deleted how much, read from a case's log of Yjs updates.

Units are Yjs units: a character is one UTF-16 code unit (every character of Latin, Chinese and other
BMP text; an emoji counts twice), an embed counts as one character, an element (paragraph, heading,
list item, image, ...) as one element. Formatting marks, attribute values and structural types are
not counted.

Insertions are credited to the author who owns the Yjs client id that created them: the author of the
first update in the log that brought new content of that client. Deletions are credited to the author
who sent the update whose delete set first removed them. Content or deletions seen before are never
counted twice, so sync-step-2 payloads (which repeat the whole delete set) are harmless.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Final

from server.heatmaps._runs import ClockRuns
from server.yjs.update import ContentRef, MalformedUpdateError, Struct, TypeRef, decode_update


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One row of the update log. `author_id` None marks a baseline (a compacted checkpoint):
    its content is registered but credited to nobody."""

    author_id: str | None
    at: datetime
    data: bytes


@dataclass(frozen=True, slots=True)
class UpdateEdits:
    """What one author did in one update."""

    author_id: str
    at: datetime
    chars_inserted: int = 0
    chars_deleted: int = 0
    elements_inserted: int = 0
    elements_deleted: int = 0


@dataclass(frozen=True, slots=True)
class EditHistory:
    """The edits of a whole log, in log order, and the Yjs client id -> author mapping it implies."""

    edits: tuple[UpdateEdits, ...]
    client_authors: Mapping[int, str]
    malformed: tuple[int, ...] = field(default=())
    """Positions (0-based, in log order) of entries skipped because they did not decode."""


class _Kind(IntEnum):
    CHAR = 0
    ELEMENT = 1
    ATTRIBUTE = 2
    OTHER = 3
    GONE = 4


_EMBED_REFS: Final = frozenset(
    {ContentRef.ANY, ContentRef.JSON, ContentRef.EMBED, ContentRef.BINARY, ContentRef.DOC}
)


_DUMP_VERSION: Final = 1


class EditLedger:
    """Reads log entries one at a time, in log order, and says what each author did in each.

    What it remembers (the content and deletions seen so far, who owns each client id) can be saved
    with `dump` and restored with `load`, so a later run continues where the previous one stopped.
    """

    def __init__(self) -> None:
        self._runs: dict[int, ClockRuns] = {}
        self._deleted: dict[int, ClockRuns] = {}
        self._owners: dict[int, str] = {}

    def dump(self) -> bytes:
        """Everything the ledger remembers, as compact bytes for `load`."""
        payload = {
            "v": _DUMP_VERSION,
            "runs": [[client, runs.starts, runs.ends, runs.labels] for client, runs in self._runs.items()],
            "deleted": [[client, runs.starts, runs.ends] for client, runs in self._deleted.items()],
            "owners": [[client, owner] for client, owner in self._owners.items()],
        }
        # Level 1: these are rewritten after every job run; the larger levels buy little on integer lists.
        return zlib.compress(json.dumps(payload, separators=(",", ":")).encode(), 1)

    @classmethod
    def load(cls, data: bytes) -> EditLedger:
        """A ledger that continues from a `dump`; ValueError if `data` is not one (or of another version)."""
        try:
            payload = json.loads(zlib.decompress(data))
            if payload.get("v") != _DUMP_VERSION:
                raise ValueError(f"version {payload.get('v')!r}, expected {_DUMP_VERSION}")
            ledger = cls()
            for client, starts, ends, labels in payload["runs"]:
                ledger._runs[int(client)] = _restore_runs(starts, ends, labels)
            for client, starts, ends in payload["deleted"]:
                ledger._deleted[int(client)] = _restore_runs(starts, ends, [0] * len(starts))
            for client, owner in payload["owners"]:
                ledger._owners[int(client)] = str(owner)
        except (zlib.error, ValueError, TypeError, KeyError, AttributeError) as error:
            raise ValueError(f"not an edit ledger dump: {error}") from None
        return ledger

    @property
    def client_authors(self) -> Mapping[int, str]:
        """Yjs client id -> the author who owns it."""
        return self._owners

    def add(self, entry: LogEntry) -> list[UpdateEdits]:
        """Account for one entry; raise MalformedUpdateError (nothing recorded) if it does not decode."""
        update = decode_update(entry.data)
        sender = entry.author_id
        # author -> [chars inserted, chars deleted, elements inserted, elements deleted]
        tally: dict[str, list[int]] = {}
        runs_by_client = self._runs
        owners = self._owners
        for item in update.structs:
            if item.ref == ContentRef.SKIP:
                continue
            runs = runs_by_client.get(item.client)
            if runs is None:
                runs = runs_by_client[item.client] = ClockRuns()
            kind = self._kind(item)
            fresh = runs.cover(item.clock, item.clock + item.length, kind)
            if not fresh or kind >= _Kind.ATTRIBUTE:
                continue
            owner = owners.get(item.client)
            if owner is None:
                if sender is None:
                    continue
                owner = owners[item.client] = sender
            counts = tally.get(owner)
            if counts is None:
                counts = tally[owner] = [0, 0, 0, 0]
            counts[0 if kind == _Kind.CHAR else 2] += fresh
        if update.delete_set:
            counts = tally.setdefault(sender, [0, 0, 0, 0]) if sender is not None else [0, 0, 0, 0]
            self._add_deletions(update.delete_set, counts)
        return [
            UpdateEdits(author, entry.at, counts[0], counts[1], counts[2], counts[3])
            for author, counts in tally.items()
            if any(counts)
        ]

    def _kind(self, item: Struct) -> _Kind:
        ref = item.ref
        if ref == ContentRef.STRING:
            return _Kind.CHAR
        if ref == ContentRef.FORMAT:
            return _Kind.OTHER
        if ref == ContentRef.DELETED or ref == ContentRef.GC:
            return _Kind.GONE
        if item.parent_sub is not None or self._continues_attribute(item):
            return _Kind.ATTRIBUTE
        if ref == ContentRef.TYPE:
            content = item.content
            is_element = getattr(content, "type_ref", None) == TypeRef.XML_ELEMENT
            return _Kind.ELEMENT if is_element else _Kind.OTHER
        return _Kind.CHAR if ref in _EMBED_REFS else _Kind.OTHER

    def _continues_attribute(self, item: Struct) -> bool:
        # A new value of a map key (an element attribute) names the previous value as its origin
        # and inherits the key from it instead of writing it again.
        if item.origin is None:
            return False
        runs = self._runs.get(item.origin[0])
        return runs is not None and runs.label_at(item.origin[1]) == _Kind.ATTRIBUTE

    def _add_deletions(self, delete_set: Mapping[int, list[tuple[int, int]]], counts: list[int]) -> None:
        for client, ranges in delete_set.items():
            deleted = self._deleted.get(client)
            if deleted is None:
                deleted = self._deleted[client] = ClockRuns()
            runs = self._runs.get(client)
            for clock, length in ranges:
                for start, end in deleted.add(clock, clock + length, 0):
                    if runs is None:
                        # Content never seen (a log that starts after compaction): most likely text.
                        counts[1] += end - start
                        continue
                    known = 0
                    for label, size in runs.overlaps(start, end):
                        known += size
                        if label == _Kind.CHAR:
                            counts[1] += size
                        elif label == _Kind.ELEMENT:
                            counts[3] += size
                    counts[1] += end - start - known


def _restore_runs(starts: list[int], ends: list[int], labels: list[int]) -> ClockRuns:
    if not len(starts) == len(ends) == len(labels):
        raise ValueError("not an edit ledger dump: runs of different lengths")
    runs = ClockRuns()
    runs.starts = [int(v) for v in starts]
    runs.ends = [int(v) for v in ends]
    runs.labels = [int(v) for v in labels]
    return runs


def read_edit_history(entries: Iterable[LogEntry], *, skip_malformed: bool = False) -> EditHistory:
    """Account for a whole log, in order.

    Args:
        skip_malformed: skip entries that do not decode (listed in `malformed`) instead of raising
            MalformedUpdateError for the first one.
    """
    ledger = EditLedger()
    edits: list[UpdateEdits] = []
    malformed: list[int] = []
    for position, entry in enumerate(entries):
        try:
            edits.extend(ledger.add(entry))
        except MalformedUpdateError as error:
            if not skip_malformed:
                error.add_note(f"log entry {position} (author {entry.author_id})")
                raise
            malformed.append(position)
    return EditHistory(tuple(edits), dict(ledger.client_authors), tuple(malformed))
