"""Sorted, disjoint clock ranges of one Yjs client, each labelled with a small integer."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator


class ClockRuns:
    """Half-open ranges [start, end) that never overlap, kept sorted; equal neighbours are merged.

    Yjs clocks of one client mostly arrive in increasing order, so adding at the end is the fast path;
    anything else (duplicates, out-of-order updates) costs a bisection.
    """

    __slots__ = ("ends", "labels", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.labels: list[int] = []

    def add(self, start: int, end: int, label: int) -> list[tuple[int, int]]:
        """Cover [start, end) with `label` where it is not covered yet; return the newly covered ranges."""
        if start >= end:
            return []
        ends = self.ends
        if not ends or start >= ends[-1]:
            self._append(start, end, label)
            return [(start, end)]
        gaps = self.gaps(start, end)
        for gap_start, gap_end in gaps:
            self._insert(gap_start, gap_end, label)
        return gaps

    def cover(self, start: int, end: int, label: int) -> int:
        """Like `add`, but return only how many clocks were newly covered."""
        ends = self.ends
        if not ends or start >= ends[-1]:
            if start >= end:
                return 0
            if ends and ends[-1] == start and self.labels[-1] == label:
                ends[-1] = end
            else:
                self.starts.append(start)
                ends.append(end)
                self.labels.append(label)
            return end - start
        return sum(gap_end - gap_start for gap_start, gap_end in self.add(start, end, label))

    def gaps(self, start: int, end: int) -> list[tuple[int, int]]:
        """The parts of [start, end) that no range covers."""
        starts, ends = self.starts, self.ends
        i = bisect_right(starts, start) - 1
        if i < 0 or ends[i] <= start:
            i += 1
        result: list[tuple[int, int]] = []
        cursor = start
        count = len(starts)
        while cursor < end:
            if i >= count or starts[i] >= end:
                result.append((cursor, end))
                break
            if starts[i] > cursor:
                result.append((cursor, starts[i]))
            cursor = max(cursor, ends[i])
            i += 1
        return result

    def overlaps(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """(label, length) for every range that intersects [start, end)."""
        starts, ends, labels = self.starts, self.ends, self.labels
        i = bisect_right(starts, start) - 1
        if i < 0 or ends[i] <= start:
            i += 1
        count = len(starts)
        while i < count and starts[i] < end:
            yield labels[i], min(end, ends[i]) - max(start, starts[i])
            i += 1

    def label_at(self, clock: int) -> int | None:
        """The label of the range holding `clock`, or None."""
        i = bisect_right(self.starts, clock) - 1
        if i >= 0 and clock < self.ends[i]:
            return self.labels[i]
        return None

    def _append(self, start: int, end: int, label: int) -> None:
        if self.ends and self.ends[-1] == start and self.labels[-1] == label:
            self.ends[-1] = end
            return
        self.starts.append(start)
        self.ends.append(end)
        self.labels.append(label)

    def _insert(self, start: int, end: int, label: int) -> None:
        starts, ends, labels = self.starts, self.ends, self.labels
        i = bisect_left(starts, start)
        joins_left = i > 0 and ends[i - 1] == start and labels[i - 1] == label
        joins_right = i < len(starts) and starts[i] == end and labels[i] == label
        if joins_left and joins_right:
            ends[i - 1] = ends[i]
            del starts[i], ends[i], labels[i]
        elif joins_left:
            ends[i - 1] = end
        elif joins_right:
            starts[i] = start
        else:
            starts.insert(i, start)
            ends.insert(i, end)
            labels.insert(i, label)
