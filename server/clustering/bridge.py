"""Joining a mixed team's clusters across languages: an English cluster and a Chinese one about one problem.

In a blend, English texts find their neighbours mostly by the English model (`View.neighbours`), which keeps
English problems apart that the multilingual model confuses, but also lets an English report and a Chinese
report of one problem settle in two clusters, one per language. The multilingual part puts translations next
to each other, so two such clusters have close centroids on it: those are joined.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from server.clustering.types import UNCLUSTERED, Embeddings, Labels


@dataclass(frozen=True, slots=True)
class Bridge:
    """What joining needs of a team: who has the first (English) part, everyone's shared part."""

    # (n,) whether each pain point has the view's first part (it is English)
    first: NDArray[np.bool_]
    # (n, d) each pain point's shared (multilingual) part at unit length
    shared: Embeddings
    # cosine of two clusters' centroids on the shared part from which they are one problem
    min_similarity: float
    # share of a cluster's members in one language for it to count as that language's
    dominance: float = 0.8


def join_languages(labels: Labels, bridge: Bridge) -> Labels:
    """Return labels where a cluster mostly of one language is joined with the cluster mostly of the other
    whose centroid on the shared part is at `min_similarity` or more, the most similar pairs first, each
    cluster at most once; a joined pair keeps the lower number. Unclustered points stay so. Deterministic."""
    result = labels.copy()
    numbers = np.unique(labels[labels != UNCLUSTERED])
    if len(numbers) < 2:
        return result
    english_share = np.array([bridge.first[labels == c].mean() for c in numbers])
    means = np.stack([bridge.shared[labels == c].mean(axis=0) for c in numbers])
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    english = np.flatnonzero(english_share >= bridge.dominance)
    other = np.flatnonzero(english_share <= 1 - bridge.dominance)
    if len(english) == 0 or len(other) == 0:
        return result
    sims = means[english] @ means[other].T
    rows, cols = np.nonzero(sims >= bridge.min_similarity)
    order = np.lexsort((cols, rows, -sims[rows, cols]))  # most similar first, ties by position
    joined: set[int] = set()
    for r, c in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
        a, b = int(numbers[english[r]]), int(numbers[other[c]])
        if a in joined or b in joined:
            continue
        joined.update((a, b))
        keep, gone = min(a, b), max(a, b)
        result[labels == gone] = keep
    return result
