"""Refinement of a clustering in the original embedding space: a few Lloyd (k-means) steps from its centroids.

HDBSCAN decides in the reduced UMAP space, where a point near a border can land in the cluster whose centre
is farther in the embeddings themselves. Moving every member to its nearest centroid, recomputing the
centroids and repeating makes each pain point belong to the cluster `place` would put it in between runs
(until the neighbours' vote that follows in a full run, `vote.py`, moves the members its neighbours outvote).
"""

from __future__ import annotations

import numpy as np

from server.clustering.cluster import centroids
from server.clustering.types import UNCLUSTERED, Embeddings, Labels


def refine(embeddings: Embeddings, labels: Labels, *, min_similarity: float, steps: int) -> Labels:
    """Return labels after up to `steps` Lloyd steps seeded at the clusters of `labels`.

    Clustered points always go to their nearest centroid; unclustered ones join it only at a cosine of at
    least `min_similarity`, so what is far from every cluster stays visible as unclustered. Deterministic;
    the input is not changed.
    """
    clustered = labels != UNCLUSTERED
    result = labels.copy()
    for _ in range(steps):
        numbers, means = centroids(embeddings, result)
        if len(numbers) == 0:
            return result
        sims = embeddings @ means.T
        best = sims.argmax(axis=1)
        close = clustered | (sims[np.arange(len(embeddings)), best] >= min_similarity)
        moved = np.where(close, numbers[best], UNCLUSTERED).astype(np.intp)
        if np.array_equal(moved, result):
            break
        result = moved
    return result
