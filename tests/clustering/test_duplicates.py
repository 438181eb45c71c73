import numpy as np
import pytest

from server.clustering import Embedder, find_duplicates
from tests.clustering.helpers import unit_rows


@pytest.mark.model
def test_near_copies_are_linked_to_the_original(embedder: Embedder) -> None:
    existing = embedder.encode(["Card payment declined twice at checkout", "Refund has not arrived yet"])
    new = embedder.encode(
        [
            "card payment declined twice at checkout!",  # same complaint, other casing and punctuation
            "refund has not arrived yet",  # the model is uncased: 1.0; "The refund ... yet." is only 0.93
            "Card payment declined at checkout but the bank sees no block",  # same theme, new information
            "Export to Excel stops at 10,000 rows",
        ]
    )
    found = find_duplicates(new, existing, view=embedder.view())
    assert [(d.index, d.in_batch) if d else None for d in found] == [(0, False), (1, False), None, None]
    assert found[0] is not None
    assert found[0].similarity >= 0.95


def test_repeats_within_one_batch_point_at_the_first() -> None:
    new = unit_rows([[1, 0], [1, 0.01], [0, 1], [1, 0.02]])
    found = find_duplicates(new, np.empty((0, 2), dtype=np.float32))
    assert [(d.index, d.in_batch) if d else None for d in found] == [None, (0, True), None, (0, True)]


def test_threshold_is_configurable() -> None:
    new = unit_rows([[1, 0.4]])  # cosine 0.93
    existing = unit_rows([[1, 0]])
    assert find_duplicates(new, existing) == [None]
    assert find_duplicates(new, existing, threshold=0.9)[0] is not None
