import numpy as np
import pytest

from server.clustering import Centroids, Embedder, place
from tests.clustering.helpers import unit_rows


def test_nearest_centroid_above_the_threshold() -> None:
    centroids = Centroids(ids=["a", "b"], vectors=unit_rows([[1, 0, 0], [0, 1, 0]]))
    placements = place(unit_rows([[0.9, 0.1, 0], [0.2, 1, 0], [0, 0, 1]]), centroids, min_similarity=0.5)
    assert [p.cluster_id for p in placements] == ["a", "b", None]
    assert placements[0].similarity == pytest.approx(0.9 / np.hypot(0.9, 0.1), abs=1e-6)


def test_nothing_to_place_into() -> None:
    empty = Centroids(ids=[], vectors=np.empty((0, 3), dtype=np.float32))
    assert [p.cluster_id for p in place(unit_rows([[1, 0, 0]]), empty)] == [None]


def test_ids_and_vectors_must_agree() -> None:
    with pytest.raises(ValueError, match="2 ids for 1"):
        Centroids(ids=["a", "b"], vectors=unit_rows([[1, 0]]))


@pytest.mark.model
def test_new_pain_points_find_their_theme(embedder: Embedder) -> None:
    themes = {
        "refunds": [
            "Refund approved but the money never arrived",
            "Still waiting for our refund after 5 weeks",
            "refund status stuck at processing",
        ],
        "crashes": [
            "The mobile app crashes when I open orders",
            "iOS app closes itself on launch",
            "Android app keeps crashing after the update",
        ],
    }
    vectors = []
    for texts in themes.values():
        mean = embedder.encode(texts).mean(axis=0)
        vectors.append(mean / np.linalg.norm(mean))
    centroids = Centroids(ids=list(themes), vectors=np.stack(vectors).astype(np.float32))
    new = embedder.encode(
        [
            "my refund is two weeks late",
            "app crashed again on my iPhone",
            "the quarterly sales kickoff is in Lisbon this year",
        ]
    )
    assert [p.cluster_id for p in place(new, centroids)] == ["refunds", "crashes", None]
