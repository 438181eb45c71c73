"""Shared fixtures: the real bundled model and the labelled development set, loaded once per session."""

import pytest

from server.clustering import Embedder, shared_embedder
from tests.clustering.helpers import LabelledSet, load_labelled


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return shared_embedder()


@pytest.fixture(scope="session")
def labelled(embedder: Embedder) -> LabelledSet:
    return load_labelled(embedder)
