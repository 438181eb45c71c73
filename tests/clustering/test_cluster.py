import numpy as np

from server.clustering.cluster import HdbscanParams, assign_outliers, centroids, run_hdbscan
from server.clustering.types import UNCLUSTERED
from tests.clustering.helpers import unit_rows


def test_sizes_grow_with_the_number_of_points() -> None:
    params = HdbscanParams()
    assert params.sized_for(20) == (3, 2)
    assert params.sized_for(332) == (5, 2)
    assert params.sized_for(3_080) == (14, 5)
    assert params.sized_for(10_000) == (25, 8)
    assert HdbscanParams(min_cluster_size=12, min_samples=30).sized_for(100) == (12, 12)


def test_separates_blobs_and_leaves_noise() -> None:
    rng = np.random.default_rng(7)
    blobs = [rng.normal(loc=c, scale=0.05, size=(30, 2)) for c in ((0, 0), (5, 5), (0, 5))]
    points = np.vstack([*blobs, [[20.0, -20.0]]]).astype(np.float32)
    labels = run_hdbscan(points, HdbscanParams())
    assert len(set(labels[:30])) == len(set(labels[30:60])) == len(set(labels[60:90])) == 1
    assert len({labels[0], labels[30], labels[60]}) == 3
    assert labels[90] == UNCLUSTERED


def test_too_few_points_are_all_unclustered() -> None:
    points = np.zeros((2, 2), dtype=np.float32)
    assert (run_hdbscan(points, HdbscanParams()) == UNCLUSTERED).all()


def test_centroids_are_normalised_means() -> None:
    vectors = unit_rows([[1, 0], [0.8, 0.2], [0, 1], [0.5, 0.5]])
    numbers, means = centroids(vectors, np.array([0, 0, 1, UNCLUSTERED]))
    assert numbers.tolist() == [0, 1]
    np.testing.assert_allclose(np.linalg.norm(means, axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(means[1], [0, 1], atol=1e-6)


def test_outliers_join_only_a_close_enough_cluster() -> None:
    vectors = unit_rows([[1, 0, 0], [1, 0.1, 0], [0, 1, 0], [0.1, 1, 0], [0.9, 0.2, 0.1], [0, 0, 1]])
    labels = np.array([0, 0, 1, 1, UNCLUSTERED, UNCLUSTERED])
    result = assign_outliers(vectors, labels, min_similarity=0.8)
    assert result.tolist() == [0, 0, 1, 1, 0, UNCLUSTERED]
    assert labels[4] == UNCLUSTERED  # input untouched


def test_outliers_stay_when_there_is_no_cluster() -> None:
    vectors = unit_rows([[1, 0], [0, 1]])
    labels = np.array([UNCLUSTERED, UNCLUSTERED])
    assert assign_outliers(vectors, labels, 0.0).tolist() == [UNCLUSTERED, UNCLUSTERED]
