"""Density clustering (HDBSCAN) of reduced embeddings, and the optional rescue of close outliers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from server.clustering.types import UNCLUSTERED, Embeddings, Labels


@dataclass(frozen=True, slots=True)
class HdbscanParams:
    """HDBSCAN settings; None means "chosen from the number of points" (see `sized_for`)."""

    min_cluster_size: int | None = None
    min_samples: int | None = None
    selection: Literal["eom", "leaf"] = "eom"

    def sized_for(self, n: int) -> tuple[int, int]:
        """Return (min_cluster_size, min_samples) for `n` points.

        A cluster needs 1% of the pain points (at least 5), so R&D sees at most ~100 recurring problems
        however many are submitted. Measured: on the labelled set (332 points, ~22 per theme) 5 and 2 scored
        best, bigger sizes merged themes; on 10k synthetic points 1% gave ARI 0.93 where 0.5% split the 15
        themes into 73 clusters (ARI 0.51) and 0.25% into 276 (ARI 0.09). min_samples stays a third of the
        size so that sparse themes are not all declared noise.
        """
        size = self.min_cluster_size or max(5, round(n / 100))
        samples = self.min_samples or max(2, round(size / 3))
        return size, min(samples, size)


def run_hdbscan(points: NDArray[np.float32], params: HdbscanParams) -> Labels:
    """Return one cluster number per point (-1 for noise); deterministic."""
    n = len(points)
    size, samples = params.sized_for(n)
    if n < size:
        return np.full(n, UNCLUSTERED, dtype=np.intp)
    import hdbscan

    clusterer = hdbscan.HDBSCAN(
        min_cluster_size=size,
        min_samples=samples,
        cluster_selection_method=params.selection,
        core_dist_n_jobs=1,
    )
    return np.asarray(clusterer.fit_predict(points.astype(np.float64)), dtype=np.intp)


def centroids(embeddings: Embeddings, labels: Labels) -> tuple[NDArray[np.intp], Embeddings]:
    """Return (cluster numbers, normalised mean embedding of each), in ascending cluster order."""
    numbers = np.unique(labels[labels != UNCLUSTERED])
    if len(numbers) == 0:
        return numbers.astype(np.intp), np.empty((0, embeddings.shape[1]), dtype=np.float32)
    sums = np.zeros((int(numbers.max()) + 1, embeddings.shape[1]), dtype=np.float64)
    np.add.at(sums, labels[labels != UNCLUSTERED], embeddings[labels != UNCLUSTERED])
    means = sums[numbers]
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    return numbers.astype(np.intp), means.astype(np.float32)


def assign_outliers(embeddings: Embeddings, labels: Labels, min_similarity: float) -> Labels:
    """Return labels where each noise point joins its nearest cluster centroid if the cosine is high enough.

    Works in the original embedding space (not the reduced one) so that the same rule places new pain points
    later (`assign.py`); points below the threshold stay unclustered and visible.
    """
    numbers, means = centroids(embeddings, labels)
    result = labels.copy()
    noise = np.flatnonzero(labels == UNCLUSTERED)
    if len(numbers) == 0 or len(noise) == 0:
        return result
    sims = embeddings[noise] @ means.T
    best = sims.argmax(axis=1)
    close = sims[np.arange(len(noise)), best] >= min_similarity
    result[noise[close]] = numbers[best[close]]
    return result
