from collections.abc import Callable, Sequence

import numpy as np
import pytest

from server.clustering import Embedder
from server.clustering.agglomerate import AgglomerationParams, agglomerate
from server.clustering.types import UNCLUSTERED, Embeddings
from tests.clustering.helpers import CHECKOUT, WELDING, unit_rows

Encode = Callable[[Sequence[str]], Embeddings]


def _two_groups(labels: np.ndarray, first: int) -> None:
    assert len(set(labels[:first].tolist())) == 1
    assert len(set(labels[first:].tolist())) == 1
    assert labels[0] != labels[first]
    assert UNCLUSTERED not in labels


def test_groups_close_vectors_and_leaves_a_loner_out() -> None:
    vectors = unit_rows([[1, 0.1, 0], [1, 0, 0.1], [0.1, 1, 0], [0, 1, 0.1], [0, 0, 1]])
    labels = agglomerate(vectors, AgglomerationParams(max_distance=0.3))
    assert labels.tolist() == [0, 0, 1, 1, UNCLUSTERED]


def test_numbers_follow_the_first_member_and_input_order_does_not_matter() -> None:
    vectors = unit_rows([[0, 1, 0], [1, 0, 0], [0, 1, 0.1], [1, 0.1, 0]])
    params = AgglomerationParams(max_distance=0.3)
    assert agglomerate(vectors, params).tolist() == [0, 1, 0, 1]
    assert agglomerate(vectors[::-1], params).tolist() == [0, 1, 0, 1]


def test_too_few_points_and_min_members() -> None:
    assert agglomerate(unit_rows([[1, 0]]), AgglomerationParams()).tolist() == [UNCLUSTERED]
    pair = unit_rows([[1, 0], [1, 0.1]])
    assert agglomerate(pair, AgglomerationParams(min_members=3)).tolist() == [UNCLUSTERED] * 2


@pytest.mark.model
@pytest.mark.parametrize(("checkout", "welding"), [(5, 5), (6, 4)])
def test_ten_mixed_language_points_on_two_themes_give_two_clusters(
    use_encode: Encode, checkout: int, welding: int
) -> None:
    vectors = use_encode(CHECKOUT[:checkout] + WELDING[:welding])
    _two_groups(agglomerate(vectors, AgglomerationParams()), checkout)


@pytest.mark.model
def test_ten_english_points_on_two_themes_give_two_clusters_with_minilm(embedder: Embedder) -> None:
    # all-MiniLM-L6-v2 reads no Chinese (any two Chinese texts sit at cosine ~0.9), so English only here
    english = [t for t in CHECKOUT if t.isascii()] + [t for t in WELDING if t.isascii()]
    checkout = sum(t.isascii() for t in CHECKOUT)
    _two_groups(agglomerate(embedder.encode(english), AgglomerationParams()), checkout)
