import numpy as np

from server.clustering.representatives import representatives
from tests.clustering.helpers import unit_rows


def test_most_central_members_first_without_repeated_texts() -> None:
    vectors = unit_rows([[1, 0], [0.9, 0.1], [0.7, 0.3], [0.9, 0.1], [0.2, 0.8], [0, 1]])
    members = np.array([0, 1, 2, 3, 4], dtype=np.intp)
    centroid = unit_rows([[1, 0.1]])[0]
    texts = ["a", "b", "c", "B ", "e", "f"]
    assert representatives(vectors, members, centroid, texts=texts, count=3) == [1, 0, 2]
    assert representatives(vectors, members, centroid, count=10) == [1, 3, 0, 2, 4]
