import numpy as np
import pytest

from server.domain.painpoints.vectors import from_bytes, stack, to_bytes


def test_vectors_round_trip_as_little_endian_float32() -> None:
    vector = np.random.default_rng(1).standard_normal(384).astype(np.float32)
    data = to_bytes(vector)
    assert len(data) == 384 * 4
    assert np.array_equal(from_bytes(data, 384), vector)
    with pytest.raises(ValueError, match="expected 383"):
        from_bytes(data, 383)


def test_stack_of_nothing_is_an_empty_matrix() -> None:
    assert stack([]).shape == (0, 0)
    assert stack([np.ones(3, dtype=np.float32), np.zeros(3, dtype=np.float32)]).shape == (2, 3)
