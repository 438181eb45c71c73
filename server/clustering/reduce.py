"""Dimension reduction before density clustering: HDBSCAN is slow and weak on raw 384-d sentence vectors."""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from server.clustering.knn import Knn, exact_cosine_knn
from server.clustering.types import Embeddings

ReductionMethod = Literal["none", "pca", "umap"]

# Below this many points UMAP computes exact neighbours itself; above, its NN-descent runs single-threaded
# (a fixed random_state forbids threads), and a blocked exact search with BLAS is faster and deterministic.
_EXACT_KNN_FROM = 4096
# With fewer points there is nothing for a manifold to learn; cluster the embeddings as they are.
_MIN_POINTS_TO_REDUCE = 20


@dataclass(frozen=True, slots=True)
class ReductionParams:
    """How to reduce; stored with each clustering run so runs can be compared."""

    method: ReductionMethod = "umap"
    n_components: int = 5
    # None: a fifth of the points, from 5 to 15 (see `neighbours_for`)
    n_neighbors: int | None = None
    # UMAP's own default is 500 epochs up to 10k points and 200 above; 200 kept quality on the labelled set
    # (measured 2026-11) and makes 10k points take ~6 s instead of ~15 s on two cores.
    n_epochs: int = 200
    # Negative samples per edge (UMAP default 5) set how hard unrelated points are pushed apart, which a
    # layout for clustering needs less of: 2 cut 10k points from 15 to 10 s on a loaded machine with the same
    # quality (labelled set ARI 0.245 vs 0.248 over six seeds; 10k synthetic 0.96 vs 0.93).
    negative_sample_rate: int = 2
    random_state: int = 42

    def neighbours_for(self, n: int) -> int:
        """UMAP's neighbourhood for n points: 15 from 75 points on, a fifth of them below (at least 5).

        A small team's themes hold a dozen pain points each; 15 neighbours reach across themes and merged the
        demo's four themes of 48 pain points into 2 clusters (ARI .28 over six input orders; 10 neighbours:
        4-5 clusters, ARI .83-.94). On samples of 30-60 texts of the labelled set: ARI .19-.29 -> .20-.31.
        """
        return self.n_neighbors or min(15, max(5, n // 5))


def shared_knn(embeddings: Embeddings, params: ReductionParams, at_least: int) -> Knn | None:
    """The exact neighbours UMAP would compute for these embeddings, with at least `at_least` columns, for
    later steps to reuse (`reduce_dimensions(knn=...)`, the vote); None where UMAP finds its own."""
    n = len(embeddings)
    if params.method != "umap" or n < _EXACT_KNN_FROM:
        return None
    return exact_cosine_knn(embeddings, neighbour_columns(params, n, at_least))


def neighbour_columns(params: ReductionParams, n: int, at_least: int) -> int:
    """How many neighbours of each of n points UMAP and a step needing `at_least` of them share."""
    return min(max(params.neighbours_for(n), at_least), n - 1)


def reduce_dimensions(
    embeddings: Embeddings, params: ReductionParams, *, knn: Knn | None = None
) -> NDArray[np.float32]:
    """Return a low-dimensional copy of `embeddings` to cluster on; deterministic for a given random_state.

    `knn` (from `shared_knn`) spares UMAP the neighbour search; its first columns are what UMAP would use.
    """
    n = len(embeddings)
    if params.method == "none" or n < _MIN_POINTS_TO_REDUCE or n <= params.n_components + 1:
        return np.asarray(embeddings, dtype=np.float32)
    if params.method == "pca":
        from sklearn.decomposition import PCA

        components = min(params.n_components, n, embeddings.shape[1])
        pca = PCA(n_components=components, random_state=params.random_state)
        return np.asarray(pca.fit_transform(embeddings), dtype=np.float32)
    return _umap(embeddings, params, knn)


def _numba_without_openmp() -> None:
    """Run UMAP's numba code on numba's own thread pool, not on OpenMP.

    Loaded first, numba's OpenMP layer brings a second OpenMP runtime whose spinning threads fight torch's for
    the cores: in a process that had clustered before loading the embedding model, encoding 100 pain points
    took 10-20 s instead of 0.5 s (workqueue: 0.4-0.9 s; OMP_WAIT_POLICY=PASSIVE: 1.6-2.7 s). It must be set
    before numba first runs anything in parallel; UMAP runs single-threaded here anyway. The workqueue layer
    aborts the process when two threads launch at once, so UMAP runs one at a time per process (`_UMAP_LOCK`).
    """
    import numba

    numba.config.THREADING_LAYER = "workqueue"  # type: ignore[attr-defined]  # set from the environment at import


# Two teams' re-clusterings run in threads of one process; numba's workqueue layer takes one at a time.
_UMAP_LOCK = threading.Lock()


def _umap(embeddings: Embeddings, params: ReductionParams, known: Knn | None) -> NDArray[np.float32]:
    with _UMAP_LOCK:
        return _umap_alone(embeddings, params, known)


def _umap_alone(embeddings: Embeddings, params: ReductionParams, known: Knn | None) -> NDArray[np.float32]:
    _numba_without_openmp()
    with warnings.catch_warnings():
        # umap announces that its optional TensorFlow variant is missing; we do not use that variant.
        warnings.filterwarnings("ignore", message="Tensorflow not installed", category=ImportWarning)
        import umap

    n_neighbors = min(params.neighbours_for(len(embeddings)), len(embeddings) - 1)
    knn: Knn | None = None
    if known is not None and known[0].shape[1] >= n_neighbors:
        knn = (known[0][:, :n_neighbors], known[1][:, :n_neighbors], None)
    elif len(embeddings) >= _EXACT_KNN_FROM:
        knn = exact_cosine_knn(embeddings, n_neighbors)
    reducer = umap.UMAP(
        n_components=params.n_components,
        n_neighbors=n_neighbors,
        metric="cosine",
        min_dist=0.0,  # tight clumps: the layout is for clustering, not for looking at
        n_epochs=params.n_epochs,
        negative_sample_rate=params.negative_sample_rate,
        random_state=params.random_state,
        n_jobs=1,  # what a fixed random_state implies anyway; saying so avoids UMAP's warning
        precomputed_knn=knn if knn is not None else (None, None, None),
    )
    with warnings.catch_warnings():
        # It only says transform() is unavailable with precomputed neighbours; we never call it.
        warnings.filterwarnings("ignore", message=".*precomputed_knn.*", category=UserWarning)
        return np.asarray(reducer.fit_transform(embeddings), dtype=np.float32)
