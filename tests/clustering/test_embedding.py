from pathlib import Path

import numpy as np
import pytest

from server.clustering import DEFAULT_MODEL, Embedder, shared_embedder
from server.clustering.embedding import ModelUnavailableError, resolve_model

pytestmark = pytest.mark.model  # loads the bundled sentence-transformers model


def test_default_model_resolves_to_the_bundled_copy() -> None:
    for name in (None, "", DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        path = Path(resolve_model(name))
        assert (path / "model.safetensors").is_file()
    assert resolve_model("/models/paraphrase-multilingual") == "/models/paraphrase-multilingual"


def test_model_loads_on_first_use_only() -> None:
    embedder = Embedder()
    assert not embedder.loaded
    assert embedder.model_name == DEFAULT_MODEL


def test_encode_returns_normalised_float32_rows_in_order(embedder: Embedder) -> None:
    texts = ["card payment declined twice", "退款一直没到账", "card payment declined twice"]
    vectors = embedder.encode(texts)
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(vectors[0], vectors[2], atol=1e-6)
    assert float(vectors[0] @ vectors[1]) < 0.9


def test_encode_is_batch_independent(embedder: Embedder) -> None:
    texts = [f"invoice {i} shows the wrong VAT number" for i in range(70)]
    together = embedder.encode(texts)
    alone = embedder.encode(texts[65:])
    np.testing.assert_allclose(together[65:], alone, atol=1e-5)


def test_encode_nothing(embedder: Embedder) -> None:
    assert embedder.encode([]).shape == (0, 384)


def test_shared_embedder_is_one_per_model() -> None:
    assert shared_embedder() is shared_embedder() is shared_embedder(DEFAULT_MODEL)
    assert shared_embedder("some/other-model") is not shared_embedder()


def test_unknown_model_fails_offline_instead_of_downloading() -> None:
    # Not on disk and HF_HUB_OFFLINE is forced: must fail at once, never reach a model hub.
    with pytest.raises(ModelUnavailableError, match="never downloaded"):
        Embedder("warroom-test/no-such-model").encode(["refund missing"])
