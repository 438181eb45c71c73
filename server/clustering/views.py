"""Which part of a vector is compared: a model's vectors may hold several parts side by side (the bilingual
default holds an English model's and a multilingual model's); each part has thresholds of its own.

A pair of texts is compared on the first part both of them have (the English part when both are English,
the multilingual one otherwise); a team is clustered on the first part all of its pain points have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from server.clustering.types import Embeddings


@dataclass(frozen=True, slots=True)
class Part:
    """Columns [start, stop) of a vector, written by the model `model`, compared at these cosines."""

    model: str
    start: int
    stop: int
    # cosine from which two texts are the same complaint reworded
    duplicate: float
    # cosine to a centroid from which a pain point belongs to that cluster
    placement: float


@dataclass(frozen=True, slots=True)
class View:
    """The parts of one model's vectors, most discerning first."""

    parts: tuple[Part, ...]

    @property
    def dimension(self) -> int:
        """Length of a whole vector."""
        return self.parts[-1].stop

    def present(self, vectors: Embeddings) -> NDArray[np.bool_]:
        """(n, parts): whether each row has each part (a part the model could not read is all zeros)."""
        return np.stack([np.any(vectors[:, p.start : p.stop] != 0, axis=1) for p in self.parts], axis=1)

    def team_part(self, vectors: Embeddings) -> Part:
        """The first part every row has: what a team's pain points are clustered on."""
        if len(vectors) == 0:
            return self.parts[0]
        have = np.asarray(self.present(vectors).all(axis=0), dtype=bool)
        for k, part in enumerate(self.parts):
            if bool(have[k]):
                return part
        return self.parts[-1]

    def project(self, vectors: Embeddings, part: Part) -> Embeddings:
        """The rows with every other part zeroed, renormalised: cosines between them are that part's."""
        if len(self.parts) == 1:
            return vectors
        result = np.zeros_like(vectors)
        block = vectors[:, part.start : part.stop]
        norms = np.linalg.norm(block, axis=1, keepdims=True)
        result[:, part.start : part.stop] = block / np.maximum(norms, 1e-12)
        return result

    def pair_scores(self, a: Embeddings, b: Embeddings) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """(cosine, duplicate threshold) of every pair (i of a, j of b), on the first part both have."""
        sims = np.zeros((len(a), len(b)), dtype=np.float32)
        limits = np.full((len(a), len(b)), np.inf, dtype=np.float32)
        if len(a) == 0 or len(b) == 0:
            return sims, limits
        have_a, have_b = self.present(a), self.present(b)
        decided = np.zeros((len(a), len(b)), dtype=bool)
        for k, part in enumerate(self.parts):
            both = np.outer(have_a[:, k], have_b[:, k]) & ~decided
            if not both.any():
                continue
            cos = a[:, part.start : part.stop] @ b[:, part.start : part.stop].T
            sims[both] = cos[both]
            limits[both] = part.duplicate
            decided |= both
        return sims, limits


def single(model: str, dimension: int, *, duplicate: float, placement: float) -> View:
    """The view of a model with one part."""
    return View((Part(model, 0, dimension, duplicate, placement),))


def stacked(parts: Sequence[tuple[str, int, float, float]]) -> View:
    """The view of (model, dimension, duplicate, placement) parts laid side by side in this order."""
    start = 0
    built = []
    for model, dimension, duplicate, placement in parts:
        built.append(Part(model, start, start + dimension, duplicate, placement))
        start += dimension
    return View(tuple(built))
