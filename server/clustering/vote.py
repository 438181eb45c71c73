"""Relabelling by neighbours' vote: each clustered pain point joins the cluster most of its nearest neighbours
(in the team's space) belong to.

Lloyd refinement puts every point with its nearest centroid, which suits round clusters; the problems a team
reports are often elongated or share a neighbourhood ("card not working" beside "card declined"), and a
point's closest texts say more about its problem than the mean of a cluster does. On the train splits one
vote of 10 neighbours after refinement raised NMI / ARI on BANKING77 and SMP2017 alike from ~2,000 texts on;
in smaller teams it did not pay (docs/clustering.md).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from server.clustering.knn import Knn, top_k
from server.clustering.types import UNCLUSTERED, Embeddings, Labels


def nearest(embeddings: Embeddings, k: int) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
    """Return (indices, cosines) of each row's k nearest other rows, nearest first; exact, deterministic."""
    n = len(embeddings)
    k = min(k, n - 1)
    if k <= 0:
        return np.empty((n, 0), dtype=np.intp), np.empty((n, 0), dtype=np.float32)

    def others(start: int, stop: int) -> NDArray[np.float32]:
        sims = embeddings[start:stop] @ embeddings.T
        rows = np.arange(len(sims))
        sims[rows, rows + start] = -np.inf  # a point does not vote for itself
        return sims

    indices, cosines = top_k(n, k, others)
    return indices.astype(np.intp, copy=False), cosines


def _without_self(known: Knn, k: int) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
    """The first k other rows of each row of UMAP-style neighbours (a row is usually, not always, its own
    first neighbour: an identical text may come before it)."""
    indices, distances, _ = known
    others = indices != np.arange(len(indices))[:, None]
    keep = np.argsort(~others, axis=1, kind="stable")[:, :k]
    return (
        np.take_along_axis(indices, keep, axis=1).astype(np.intp),
        (1.0 - np.take_along_axis(distances, keep, axis=1)).astype(np.float32),
    )


def vote(
    embeddings: Embeddings, labels: Labels, *, neighbours: int, rounds: int = 1, known: Knn | None = None
) -> Labels:
    """Return labels where each clustered point takes the cluster with the largest summed cosine among its
    `neighbours` nearest points (unclustered neighbours do not vote; ties go to the lower cluster number).

    Unclustered points stay unclustered: they were farther than the placement cosine from every cluster.
    A point none of whose neighbours is clustered keeps its cluster. Deterministic; the input is not changed.
    `known`: neighbours already computed (`reduce.shared_knn`) with more than `neighbours` columns.
    """
    result = labels.copy()
    if neighbours <= 0 or rounds <= 0 or len(labels) < 2 or not np.any(labels != UNCLUSTERED):
        return result
    if known is not None and known[0].shape[1] > min(neighbours, len(labels) - 1):
        indices, cosines = _without_self(known, min(neighbours, len(labels) - 1))
    else:
        indices, cosines = nearest(embeddings, neighbours)
    clustered = labels != UNCLUSTERED
    numbers = np.unique(labels[clustered])
    weights = np.maximum(cosines, 0.0).astype(np.float64)
    rows = np.repeat(np.arange(len(labels)), indices.shape[1])
    for _ in range(rounds):
        voters = result[indices]
        counted = voters != UNCLUSTERED
        tally = np.zeros((len(labels), len(numbers)), dtype=np.float64)
        np.add.at(
            tally,
            (rows[counted.ravel()], np.searchsorted(numbers, voters[counted])),
            weights[counted],
        )
        has_votes = tally.max(axis=1) > 0
        moved = np.where(clustered & has_votes, numbers[tally.argmax(axis=1)], result).astype(np.intp)
        if np.array_equal(moved, result):
            break
        result = moved
    return result
