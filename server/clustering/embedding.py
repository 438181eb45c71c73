"""Sentence embeddings: a lazily loaded model, once per process, never downloaded."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from server.clustering.encoders import Encoder, ModelUnavailableError
from server.clustering.models import DEFAULT_MODEL, canonical, make_encoder, resolve_model, view_for
from server.clustering.types import Embeddings
from server.clustering.views import View

__all__ = ["DEFAULT_MODEL", "Embedder", "ModelUnavailableError", "resolve_model", "shared_embedder"]


class Embedder:
    """Encodes texts with one model (`server.clustering.models`), loaded on first use.

    Safe to share between threads; `encode` returns float32 rows, one per text, in order.
    """

    def __init__(self, model: str | None = None, *, threads: int | None = None) -> None:
        self.model_name = canonical(model)
        self.threads = threads or len(os.sched_getaffinity(0))
        self._encoder: Encoder | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory already."""
        return self._encoder is not None

    @property
    def dimension(self) -> int:
        """Length of one embedding (loads the model)."""
        return self.model().dimension

    def model(self) -> Encoder:
        """Return the loaded encoder, loading it now if needed."""
        if self._encoder is None:
            with self._lock:
                if self._encoder is None:
                    self._encoder = make_encoder(self.model_name, threads=self.threads)
        return self._encoder

    def encode(self, texts: Sequence[str]) -> Embeddings:
        """Return one float32 embedding per text, in order."""
        encoder = self.model()
        if not texts:
            return np.empty((0, encoder.dimension), dtype=np.float32)
        return encoder.encode(list(texts))

    def view(self, *, duplicate: float | None = None, placement: float | None = None) -> View:
        """How this model's vectors are compared (loads the model to learn its size)."""
        return view_for(self.model_name, self.dimension, duplicate=duplicate, placement=placement)


def shared_embedder(model: str | None = None) -> Embedder:
    """Return the process-wide embedder for `model`, so a worker loads each model once."""
    return _shared_embedder(canonical(model))


@lru_cache(maxsize=4)
def _shared_embedder(model: str) -> Embedder:
    return Embedder(model)
