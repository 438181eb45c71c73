"""Incremental placement of new pain points into the current clusters, between full re-clusterings."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from server.clustering.types import Embeddings

# Cosine to a centroid of all-MiniLM-L6-v2 vectors, for callers that bring no model's view: the product takes
# each model's own (server.clustering.models.CALIBRATED). Chosen on the labelled set in 2026-11: rescuing
# HDBSCAN's outliers at >= 0.4 added ARI, lower thresholds started pulling in unrelated texts.
DEFAULT_MIN_SIMILARITY = 0.4


@dataclass(frozen=True, slots=True)
class Centroids:
    """The current clusters as ids and normalised centroid vectors (row i belongs to ids[i])."""

    ids: Sequence[str]
    vectors: Embeddings

    def __post_init__(self) -> None:
        if len(self.ids) != len(self.vectors):
            raise ValueError(f"{len(self.ids)} ids for {len(self.vectors)} centroid vectors")


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a new pain point went: a cluster id (None: unclustered) and the cosine that decided."""

    cluster_id: str | None
    similarity: float


def place(
    embeddings: Embeddings,
    centroids: Centroids,
    *,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
    forbidden: Sequence[Collection[str]] | None = None,
) -> list[Placement]:
    """Return a placement per embedding: its nearest centroid if the cosine reaches `min_similarity`.

    `forbidden[i]` names clusters embedding i may not join (its cannot-links sit there): the nearest allowed
    centroid decides instead.
    """
    if len(centroids.ids) == 0 or len(embeddings) == 0:
        return [Placement(None, 0.0) for _ in range(len(embeddings))]
    sims = embeddings @ centroids.vectors.T
    if forbidden is not None:
        column = {cluster_id: j for j, cluster_id in enumerate(centroids.ids)}
        sims = sims.copy()
        for row, banned in enumerate(forbidden):
            for cluster_id in banned:
                if cluster_id in column:
                    sims[row, column[cluster_id]] = -np.inf
    best = sims.argmax(axis=1)
    scores = sims[np.arange(len(embeddings)), best]
    return [
        Placement(centroids.ids[b] if s >= min_similarity else None, float(max(s, -1.0)))
        for b, s in zip(best.tolist(), scores.tolist(), strict=True)
    ]
