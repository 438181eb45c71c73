"""Stable cluster ids: a new run's clusters inherit the ids of the previous run's clusters they overlap."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np

DEFAULT_MIN_JACCARD = 0.3


def match_clusters(
    previous: Mapping[str, Collection[str]],
    current: Sequence[Collection[str]],
    *,
    min_jaccard: float = DEFAULT_MIN_JACCARD,
    new_id: Callable[[], str] | None = None,
    present: Collection[str] | None = None,
) -> list[str]:
    """Return an id for each current cluster (given as member ids), reusing previous ids where they match.

    Pairs are chosen by the Hungarian method on Jaccard overlap, so each previous id goes to at most one new
    cluster (the best-overlapping part of a split keeps it); a pair below `min_jaccard` is no match, and
    an unmatched cluster gets `new_id()` (default: a random UUID). With `present` (every member id of this
    run, clustered or not), previous members gone since (deleted, no longer counted) are left out of the
    overlap: a cluster that lost some of its pain points is still the cluster it was.
    """
    make_id = new_id or (lambda: str(uuid.uuid4()))
    ids: list[str | None] = [None] * len(current)
    if present is not None:
        here = set(present)
        previous = {c: kept for c, members in previous.items() if (kept := [m for m in members if m in here])}
    if previous and current:
        previous_ids = sorted(previous)
        overlap = _overlaps(previous, previous_ids, current)
        jaccard = np.zeros((len(current), len(previous_ids)))
        previous_sizes = [len(set(previous[p])) for p in previous_ids]
        current_sizes = [len(set(members)) for members in current]
        for (row, column), shared in overlap.items():
            union = current_sizes[row] + previous_sizes[column] - shared
            jaccard[row, column] = shared / union
        from scipy.optimize import linear_sum_assignment

        rows, columns = linear_sum_assignment(jaccard, maximize=True)
        for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
            if jaccard[row, column] >= min_jaccard:
                ids[row] = previous_ids[column]
    return [i if i is not None else make_id() for i in ids]


def _overlaps(
    previous: Mapping[str, Collection[str]], previous_ids: list[str], current: Sequence[Collection[str]]
) -> Counter[tuple[int, int]]:
    """Count shared members per (current, previous) pair in one pass over the members."""
    column_of = {cluster_id: column for column, cluster_id in enumerate(previous_ids)}
    owner: dict[str, int] = {}
    for cluster_id, members in previous.items():
        for member in members:
            owner[member] = column_of[cluster_id]
    counts: Counter[tuple[int, int]] = Counter()
    for row, members in enumerate(current):
        for member in set(members):
            column = owner.get(member)
            if column is not None:
                counts[row, column] += 1
    return counts
