import numpy as np
import pytest

from server.clustering import reduce
from server.clustering.reduce import ReductionParams, _exact_cosine_knn, reduce_dimensions
from tests.clustering.helpers import LabelledSet

pytestmark = pytest.mark.model  # loads the bundled sentence-transformers model


def test_umap_is_deterministic(labelled: LabelledSet) -> None:
    first = reduce_dimensions(labelled.embeddings, ReductionParams())
    second = reduce_dimensions(labelled.embeddings, ReductionParams())
    assert first.shape == (len(labelled.texts), 5)
    np.testing.assert_array_equal(first, second)


def test_pca(labelled: LabelledSet) -> None:
    reduced = reduce_dimensions(labelled.embeddings, ReductionParams(method="pca", n_components=10))
    assert reduced.shape == (len(labelled.texts), 10)


def test_too_few_points_are_left_as_they_are(labelled: LabelledSet) -> None:
    few = labelled.embeddings[:10]
    np.testing.assert_array_equal(reduce_dimensions(few, ReductionParams()), few)
    np.testing.assert_array_equal(
        reduce_dimensions(labelled.embeddings, ReductionParams(method="none")), labelled.embeddings
    )


def test_exact_knn_matches_brute_force(labelled: LabelledSet) -> None:
    vectors = labelled.embeddings
    indices, distances, _ = _exact_cosine_knn(vectors, 15)
    sims = vectors @ vectors.T
    expected = np.argsort(-sims, axis=1, kind="stable")[:, :15]
    # ties aside (there are none in real embeddings), the same neighbours in the same order
    np.testing.assert_array_equal(indices[:, 1:], expected[:, 1:])
    np.testing.assert_allclose(distances, 1 - np.take_along_axis(sims, expected, axis=1), atol=1e-5)
    assert (distances >= 0).all()


def test_exact_knn_is_the_same_in_small_blocks(
    labelled: LabelledSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _exact_cosine_knn(labelled.embeddings, 15)
    monkeypatch.setattr(reduce, "_KNN_BLOCK_CELLS", 64 * len(labelled.embeddings))  # blocks of 64 rows
    blocked = _exact_cosine_knn(labelled.embeddings, 15)
    np.testing.assert_array_equal(whole[0], blocked[0])
    # The same neighbours; their distances agree to float32 rounding (BLAS may sum a block's products in
    # another order than the whole matrix's, as OpenBLAS's AVX2 kernels do).
    np.testing.assert_allclose(whole[1], blocked[1], rtol=0, atol=1e-6)


def test_umap_keeps_numba_off_openmp_so_torch_keeps_the_cores() -> None:
    # A second OpenMP runtime's spinning threads made torch encode 20-30x slower after a clustering run.
    import numba

    rng = np.random.default_rng(0)
    points = rng.normal(size=(40, 8)).astype(np.float32)
    reduce_dimensions(points / np.linalg.norm(points, axis=1, keepdims=True), ReductionParams())

    @numba.njit(parallel=True)
    def total(values: np.ndarray) -> float:
        result = 0.0
        for i in numba.prange(len(values)):
            result += values[i]
        return result

    assert total(np.ones(1000)) == 1000.0
    assert numba.threading_layer() == "workqueue"  # type: ignore[attr-defined]
