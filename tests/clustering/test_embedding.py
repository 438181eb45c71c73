from pathlib import Path

import numpy as np
import pytest

from server.clustering import DEFAULT_MODEL, Embedder, shared_embedder
from server.clustering.embedding import ModelUnavailableError, resolve_model
from server.clustering.encoders import FEW_TEXTS, has_cjk
from server.clustering.models import BILINGUAL, MINILM, USE

pytestmark = pytest.mark.model  # loads the bundled models


def test_bundled_minilm_resolves_to_the_packaged_copy() -> None:
    for name in (MINILM, f"sentence-transformers/{MINILM}", f" {MINILM} "):
        path = Path(resolve_model(name))
        assert (path / "model.safetensors").is_file()
    assert resolve_model("/models/paraphrase-multilingual") == "/models/paraphrase-multilingual"


def test_the_default_is_bilingual_and_loads_on_first_use_only() -> None:
    embedder = Embedder()
    assert not embedder.loaded
    assert embedder.model_name == DEFAULT_MODEL == BILINGUAL
    assert Embedder("").model_name == Embedder(None).model_name == BILINGUAL


def test_default_rows_hold_a_minilm_part_for_english_and_a_use_part_for_every_text(
    embedder: Embedder,
) -> None:
    texts = ["card payment declined twice", "退款一直没到账", "card payment declined twice", "APP闪退"]
    vectors = embedder.encode(texts)
    assert vectors.dtype == np.float32
    assert vectors.shape == (4, 384 + 512)
    english, multilingual = vectors[:, :384], vectors[:, 384:]
    np.testing.assert_allclose(np.linalg.norm(multilingual, axis=1), 1.0, atol=1e-5)
    # MiniLM cannot read Chinese: texts with CJK characters get no English part at all
    np.testing.assert_allclose(np.linalg.norm(english, axis=1), [1.0, 0.0, 1.0, 0.0], atol=1e-5)
    np.testing.assert_allclose(vectors[0], vectors[2], atol=1e-6)
    assert [has_cjk(t) for t in texts] == [False, True, False, True]


def test_each_part_is_the_bundled_model_alone(embedder: Embedder) -> None:
    texts = ["export to excel stops at 10,000 rows", "导出Excel超过一万行就停了"]
    vectors = embedder.encode(texts)
    np.testing.assert_allclose(vectors[0, :384], shared_embedder(MINILM).encode(texts[:1])[0], atol=1e-5)
    np.testing.assert_allclose(vectors[:, 384:], shared_embedder(USE).encode(texts), atol=1e-5)


def test_use_is_multilingual(embedder: Embedder) -> None:
    use = shared_embedder(USE)
    vectors = use.encode(["the app crashes at login", "登录时应用闪退", "炸馒头片", "幻影忍者"])
    assert vectors.shape == (4, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    sims = vectors @ vectors.T
    # a translation is closer than unrelated Chinese texts are to each other (MiniLM put those at 1.000)
    assert sims[0, 1] > 0.5 > sims[2, 3]


def test_encode_is_batch_independent(embedder: Embedder) -> None:
    texts = [f"invoice {i} shows the wrong VAT number" if i % 2 else f"发票{i}税号错误" for i in range(70)]
    together = embedder.encode(texts)
    alone = embedder.encode(texts[65:])
    np.testing.assert_allclose(together[65:], alone, atol=1e-5)


def test_encode_nothing(embedder: Embedder) -> None:
    assert embedder.encode([]).shape == (0, 896)
    assert shared_embedder(USE).encode([]).shape == (0, 512)


def test_shared_embedder_is_one_per_model() -> None:
    assert shared_embedder() is shared_embedder() is shared_embedder(DEFAULT_MODEL)
    assert shared_embedder(MINILM) is shared_embedder(f"sentence-transformers/{MINILM}")
    assert shared_embedder("some/other-model") is not shared_embedder()


def test_unknown_model_fails_offline_instead_of_downloading() -> None:
    # Not on disk and HF_HUB_OFFLINE is forced: must fail at once, never reach a model hub.
    with pytest.raises(ModelUnavailableError, match="never downloaded"):
        Embedder("warroom-test/no-such-model").encode(["refund missing"])


def test_a_few_texts_encode_on_one_thread_and_a_batch_on_every_core() -> None:
    import torch

    minilm = shared_embedder(MINILM)
    minilm.encode(["the refund has not arrived"])
    assert torch.get_num_threads() == 1
    minilm.encode([f"invoice {i} shows the wrong VAT number" for i in range(FEW_TEXTS + 1)])
    assert torch.get_num_threads() == minilm.threads
