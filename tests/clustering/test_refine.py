import numpy as np

from server.clustering.refine import refine
from server.clustering.types import UNCLUSTERED
from tests.clustering.helpers import unit_rows


def test_a_member_moves_to_the_nearer_centroid() -> None:
    # point 2 was put with cluster 0 but lies next to cluster 1's members
    vectors = unit_rows([[1, 0, 0], [1, 0.1, 0], [0.1, 1, 0], [0, 1, 0], [0, 1, 0.1]])
    labels = np.array([0, 0, 0, 1, 1])
    assert refine(vectors, labels, min_similarity=0.9, steps=5).tolist() == [0, 0, 1, 1, 1]
    assert labels.tolist() == [0, 0, 0, 1, 1]  # input untouched


def test_outliers_join_only_when_close_and_members_never_leave() -> None:
    vectors = unit_rows([[1, 0, 0], [1, 0.1, 0], [0.9, 0.2, 0.1], [0, 0, 1], [0.5, 0, 0.5]])
    labels = np.array([0, 0, UNCLUSTERED, UNCLUSTERED, 0])
    result = refine(vectors, labels, min_similarity=0.8, steps=3)
    assert result.tolist() == [0, 0, 0, UNCLUSTERED, 0]


def test_nothing_to_refine() -> None:
    vectors = unit_rows([[1, 0], [0, 1]])
    labels = np.array([UNCLUSTERED, UNCLUSTERED])
    assert refine(vectors, labels, min_similarity=0.0, steps=5).tolist() == [UNCLUSTERED] * 2
