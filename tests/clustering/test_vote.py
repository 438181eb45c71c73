import math

import numpy as np

from server.clustering.knn import exact_cosine_knn
from server.clustering.types import UNCLUSTERED
from server.clustering.vote import nearest, vote
from tests.clustering.helpers import unit_rows


def _on_circle(degrees: list[float]) -> np.ndarray:
    return unit_rows([[math.cos(math.radians(d)), math.sin(math.radians(d))] for d in degrees])


# A tight cluster around 2 degrees and a long one from 17 to 80 degrees (centre near 48); the point at
# 14 degrees is nearer the tight cluster's centre, but its three nearest texts belong to the long one.
TIGHT = [0.0, 2.0, 4.0]
LONG = [17.0 + 3 * i for i in range(22)]
BORDER = 14.0


def test_a_member_joins_the_cluster_its_neighbours_are_in() -> None:
    vectors = _on_circle([*TIGHT, *LONG, BORDER])
    labels = np.array([0] * len(TIGHT) + [1] * len(LONG) + [0])
    result = vote(vectors, labels, neighbours=3)
    assert result[-1] == 1
    assert result[:-1].tolist() == labels[:-1].tolist()
    assert labels[-1] == 0  # input untouched


def test_unclustered_points_neither_join_nor_vote() -> None:
    vectors = _on_circle([*TIGHT, *LONG, BORDER, 15.0, 16.0])
    # the border point's two nearest are unclustered and do not vote; its third is in the long cluster
    labels = np.array([0] * len(TIGHT) + [1] * len(LONG) + [0, UNCLUSTERED, UNCLUSTERED])
    result = vote(vectors, labels, neighbours=3)
    assert result[-3] == 1
    assert result[-2:].tolist() == [UNCLUSTERED, UNCLUSTERED]


def test_a_member_without_clustered_neighbours_keeps_its_cluster() -> None:
    vectors = _on_circle([0.0, 1.0, 2.0, 90.0, 91.0])
    labels = np.array([0, UNCLUSTERED, UNCLUSTERED, 1, 1])
    assert vote(vectors, labels, neighbours=2).tolist() == [0, UNCLUSTERED, UNCLUSTERED, 1, 1]


def test_no_vote_changes_nothing() -> None:
    vectors = _on_circle([*TIGHT, *LONG, BORDER])
    labels = np.array([0] * len(TIGHT) + [1] * len(LONG) + [0])
    assert vote(vectors, labels, neighbours=0).tolist() == labels.tolist()
    assert vote(vectors, np.full(len(labels), UNCLUSTERED), neighbours=3).tolist() == [UNCLUSTERED] * len(
        labels
    )


def test_nearest_are_the_other_rows_nearest_first() -> None:
    vectors = _on_circle([0.0, 10.0, 30.0, 31.0])
    indices, cosines = nearest(vectors, 2)
    assert indices.tolist() == [[1, 2], [0, 2], [3, 1], [2, 1]]
    assert np.all(np.diff(cosines, axis=1) <= 0)
    assert nearest(vectors, 10)[0].shape == (4, 3)


def test_shared_neighbours_give_the_same_vote() -> None:
    rng = np.random.default_rng(5)
    vectors = unit_rows(rng.normal(size=(60, 8)).tolist())
    vectors[7] = vectors[3]  # an identical text may come before a row's own index among its neighbours
    labels = rng.integers(0, 4, size=60)
    labels[::9] = UNCLUSTERED
    known = exact_cosine_knn(vectors, 15)
    assert set(known[0][3, :2].tolist()) == {3, 7}
    for k in (3, 10):
        shared = vote(vectors, labels, neighbours=k, known=known)
        assert shared.tolist() == vote(vectors, labels, neighbours=k).tolist()
    assert not np.array_equal(vote(vectors, labels, neighbours=10), labels)
