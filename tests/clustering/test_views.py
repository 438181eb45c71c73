"""Which part of the vectors each comparison uses, on hand-made geometry and on the real default model."""

import numpy as np
import pytest

from server.clustering import Embedder, find_duplicates
from server.clustering.models import BILINGUAL, MIXED_ENGLISH_NEIGHBOURS, MIXED_WEIGHTS, view_for
from server.clustering.views import Space, stacked
from tests.clustering.helpers import unit_rows

# Two parts of two columns each: an "English" one (first) and a "multilingual" one.
VIEW = stacked([("en", 2, 0.95, 0.4), ("multi", 2, 0.9, 0.3)], (0.6, 0.8))


def _rows(english: list[list[float]], multi: list[list[float]]) -> np.ndarray:
    parts = [unit_rows(multi)]
    en = np.asarray(english, dtype=np.float32)
    norms = np.linalg.norm(en, axis=1, keepdims=True)
    parts.insert(0, np.asarray(en / np.maximum(norms, 1e-12), dtype=np.float32))
    return np.hstack(parts)


def test_a_pair_is_compared_on_the_first_part_both_have() -> None:
    a = _rows([[1, 0], [0, 0]], [[1, 0], [1, 0]])  # an English text, a Chinese one
    b = _rows([[1, 0.1], [0, 0]], [[0, 1], [1, 0.2]])
    sims, limits = VIEW.pair_scores(a, b)
    # English with English: the English part (near 1) at its threshold, though the multilingual part differs
    assert sims[0, 0] == pytest.approx(0.995, abs=1e-3)
    assert limits[0, 0] == pytest.approx(0.95)
    # anything with a Chinese text: the multilingual part
    assert sims[0, 1] == pytest.approx(0.98, abs=1e-2)
    assert sims[1, 0] == pytest.approx(0.0, abs=1e-6)
    assert limits[1, 1] == pytest.approx(0.9)


def test_duplicates_follow_each_pairs_part_and_threshold() -> None:
    existing = _rows([[1, 0], [0, 0]], [[1, 0], [0, 1]])
    new = _rows([[0.98, 0.2], [0, 0]], [[0.6, 0.8], [0.1, 1]])
    found = find_duplicates(new, existing, view=VIEW)
    # English .98 on its part >= .95, though its multilingual part is only .6 to the original's; Chinese .995
    assert [(d.index, d.in_batch) if d else None for d in found] == [(0, False), (1, False)]


def test_a_team_is_clustered_on_the_english_part_only_when_every_pain_point_has_it() -> None:
    english = _rows([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    mixed = _rows([[1, 0], [0, 0]], [[1, 0], [0, 1]])
    assert VIEW.team_space(english) == Space((1.0, 0.0))
    assert VIEW.team_space(mixed) == VIEW.mixed == Space((0.6, 0.8))
    projected = VIEW.project(mixed, VIEW.mixed)
    np.testing.assert_allclose(np.linalg.norm(projected, axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(projected[0], [0.6, 0, 0.8, 0], atol=1e-6)
    np.testing.assert_allclose(projected[1], [0, 0, 0, 1], atol=1e-6)  # a Chinese text: multilingual only
    assert VIEW.placement(Space((1.0, 0.0))) == pytest.approx(0.4)
    assert VIEW.placement(VIEW.mixed) == pytest.approx(0.36 * 0.4 + 0.64 * 0.3)
    assert VIEW.space_of([1.0, 0.0]) == Space((1.0, 0.0))
    assert VIEW.space_of(None) == VIEW.mixed


@pytest.mark.model
def test_the_defaults_mixed_space_keeps_translations_together(embedder: Embedder) -> None:
    pairs = [
        ("The app crashes when I log in", "登录时应用闪退"),
        ("My refund has not arrived after two weeks", "退款两周了还没到账"),
        ("The parcel was delivered to the wrong address", "包裹送错了地址"),
        ("I was charged twice for one order", "一个订单被扣了两次钱"),
    ]
    texts = [t for pair in pairs for t in pair]
    view = view_for(BILINGUAL, embedder.dimension)
    assert view.mixed.weights == MIXED_WEIGHTS
    vectors = view.project(embedder.encode(texts), view.mixed)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1)
    # each text's nearest neighbour is its translation
    assert sims.argmax(axis=1).tolist() == [i ^ 1 for i in range(len(texts))]


def test_in_the_blend_two_english_texts_are_neighbours_mostly_by_the_english_part() -> None:
    view = stacked([("en", 2, 0.95, 0.4), ("multi", 2, 0.9, 0.3)], (0.6, 0.8), first_part_neighbours=0.75)
    # 0 and 1: English, far apart on the English part, alike on the multilingual one; 2: Chinese, like 1
    # on the multilingual part; 3: English, the same as 0 on the English part, unlike it on the other
    vectors = _rows([[1, 0], [0, 1], [0, 0], [1, 0]], [[1, 0], [1, 0], [1, 0], [0, 1]])
    blend = view.project(vectors, view.mixed)
    indices, distances, _ = view.neighbours(vectors, view.mixed, 4) or (None, None, None)
    assert indices is not None
    assert distances is not None
    plain = blend @ blend.T
    mixed = 0.75 * np.array([[1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 1]]) + 0.25 * plain
    english = np.array([True, True, False, True])
    expected = np.where(np.outer(english, english), mixed, plain)
    for row in range(4):
        assert indices[row, 0] == row
        np.testing.assert_allclose(1 - distances[row], expected[row, indices[row]], atol=1e-6)
        assert np.all(np.diff(1 - distances[row]) <= 1e-7)  # nearest first
    # 0's nearest is 3 (same English part), not 1 (the blend alone would say 1: .64 + .36 * 0 vs .36)
    assert indices[0, 1] == 3
    # a pair with a Chinese text keeps the blend's cosine
    assert 1 - distances[2, 1] == pytest.approx(plain[2, 1], abs=1e-6)


def test_neighbours_are_the_plain_cosines_outside_a_blend() -> None:
    view = stacked([("en", 2, 0.95, 0.4), ("multi", 2, 0.9, 0.3)], (0.6, 0.8), first_part_neighbours=0.75)
    english = _rows([[1, 0], [0, 1], [1, 1]], [[1, 0], [0, 1], [1, 1]])
    assert view.neighbours(english, Space((1.0, 0.0)), 2) is None  # an English team: MiniLM alone
    assert VIEW.neighbours(english, VIEW.mixed, 2) is None  # a view without the share
    chinese = english.copy()
    chinese[:, :2] = 0
    assert view.neighbours(chinese, view.mixed, 2) is None  # no English pair to mix
    assert view_for(BILINGUAL, 896).first_part_neighbours == MIXED_ENGLISH_NEIGHBOURS == 0.75
