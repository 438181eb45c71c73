import numpy as np
import pytest

from server.clustering.reduce import ReductionParams, reduce_dimensions
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
