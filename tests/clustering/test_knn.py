"""Exact neighbours, whole or a block at a time, and with a similarity of the caller's."""

import numpy as np
import pytest

from server.clustering import knn
from server.clustering.knn import exact_cosine_knn, exact_knn
from tests.clustering.helpers import LabelledSet, unit_rows


@pytest.mark.model  # the labelled set's vectors come from the bundled model
def test_exact_knn_matches_brute_force(labelled: LabelledSet) -> None:
    vectors = labelled.embeddings
    indices, distances, _ = exact_cosine_knn(vectors, 15)
    sims = vectors @ vectors.T
    expected = np.argsort(-sims, axis=1, kind="stable")[:, :15]
    # ties aside (there are none in real embeddings), the same neighbours in the same order
    np.testing.assert_array_equal(indices[:, 1:], expected[:, 1:])
    np.testing.assert_allclose(distances, 1 - np.take_along_axis(sims, expected, axis=1), atol=1e-5)
    assert (distances >= 0).all()


@pytest.mark.model
def test_exact_knn_is_the_same_in_small_blocks(
    labelled: LabelledSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = exact_cosine_knn(labelled.embeddings, 15)
    monkeypatch.setattr(knn, "_BLOCK_CELLS", 64 * len(labelled.embeddings))  # blocks of 64 rows
    blocked = exact_cosine_knn(labelled.embeddings, 15)
    np.testing.assert_array_equal(whole[0], blocked[0])
    # The same neighbours; their distances agree to float32 rounding (BLAS may sum a block's products in
    # another order than the whole matrix's, as OpenBLAS's AVX2 kernels do).
    np.testing.assert_allclose(whole[1], blocked[1], rtol=0, atol=1e-6)


def test_a_callers_similarity_decides_the_neighbours() -> None:
    rng = np.random.default_rng(3)
    vectors = unit_rows(rng.normal(size=(30, 6)).tolist())
    flipped = -(vectors @ vectors.T)
    np.fill_diagonal(flipped, 1.0)
    indices, distances, _ = exact_knn(30, 4, lambda start, stop: flipped[start:stop])
    # each row first, then the rows farthest from it by cosine
    assert indices[:, 0].tolist() == list(range(30))
    expected = np.argsort(-flipped, axis=1, kind="stable")[:, 1:4]
    np.testing.assert_array_equal(indices[:, 1:], expected)
    np.testing.assert_allclose(distances[:, 1:], 1 - np.take_along_axis(flipped, expected, axis=1), atol=1e-6)
