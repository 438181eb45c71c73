"""Exact nearest neighbours, a block of the similarity matrix at a time, in the form UMAP takes them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from server.clustering.types import Embeddings

# (indices, distances 1 - similarity, None) of each row's nearest rows, itself usually first (UMAP's form)
Knn = tuple[NDArray[np.int64], NDArray[np.float32], None]

# Rows per block of the similarity matrix: ~16M similarities (64 MB, plus the partition's indices) at a time.
_BLOCK_CELLS = 2**24


def top_k(
    n: int, k: int, similarities: Callable[[int, int], NDArray[np.float32]]
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """(indices, similarities) of each of n rows' k most similar rows, most similar first;
    `similarities(start, stop)` returns rows [start, stop) of the n x n similarity matrix (0 < k <= n).
    Deterministic."""
    block = min(max(_BLOCK_CELLS // n, 64), 1024)
    indices = np.empty((n, k), dtype=np.int64)
    values = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        sims = similarities(start, min(start + block, n))
        top = np.argpartition(sims, n - k, axis=1)[:, n - k :]
        top_sims = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_sims, axis=1, kind="stable")
        indices[start : start + block] = np.take_along_axis(top, order, axis=1)
        values[start : start + block] = np.take_along_axis(top_sims, order, axis=1)
    return indices, values


def exact_knn(n: int, k: int, similarities: Callable[[int, int], NDArray[np.float32]]) -> Knn:
    """Each of n rows' k most similar rows in UMAP's form, most similar first; `similarities` as `top_k`'s
    (a row is most similar to itself)."""
    indices, values = top_k(n, k, similarities)
    distances = 1.0 - values
    np.maximum(distances, 0.0, out=distances)
    return indices, distances, None


def exact_cosine_knn(embeddings: Embeddings, k: int) -> Knn:
    """Each row's k nearest rows by cosine (rows at unit length)."""
    return exact_knn(len(embeddings), k, lambda start, stop: embeddings[start:stop] @ embeddings.T)
