"""How a model's vectors are compared. A vector may hold several parts side by side (the bilingual default
holds an English model's and a multilingual model's), each with cosines of its own.

- Duplicates: a pair of texts is compared on the first part both of them have (the English part when both
  are English, the multilingual one otherwise), at that part's duplicate cosine.
- Clusters: a team is clustered in a *space*, a weighting of the parts: the English part alone when every
  pain point has it, otherwise the parts blended (`View.mixed`), where a text without an English part lives on
  the multilingual part alone, so Chinese and English reports of one problem can meet.
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
class Space:
    """A weight per part (squares summing to 1): where a team's pain points are clustered and placed."""

    weights: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class View:
    """The parts of one model's vectors, most discerning first, and the blend for teams that need all."""

    parts: tuple[Part, ...]
    mixed: Space

    @property
    def dimension(self) -> int:
        """Length of a whole vector."""
        return self.parts[-1].stop

    def present(self, vectors: Embeddings) -> NDArray[np.bool_]:
        """(n, parts): whether each row has each part (a part the model could not read is all zeros)."""
        return np.stack([np.any(vectors[:, p.start : p.stop] != 0, axis=1) for p in self.parts], axis=1)

    def team_space(self, vectors: Embeddings) -> Space:
        """The first part alone when every row has it, else the blend of all parts."""
        if len(self.parts) == 1:
            return Space((1.0,))
        if len(vectors) and bool(np.all(self.present(vectors)[:, 0])):
            return Space((1.0,) + (0.0,) * (len(self.parts) - 1))
        return self.mixed

    def space_of(self, weights: Sequence[float] | None) -> Space:
        """The space a run recorded (`Space.weights`); the mixed one for runs that recorded none."""
        if weights is None or len(weights) != len(self.parts):
            return self.mixed if len(self.parts) > 1 else Space((1.0,))
        return Space(tuple(float(w) for w in weights))

    def project(self, vectors: Embeddings, space: Space) -> Embeddings:
        """Each part at unit length times its weight, the row renormalised: dot products of the results are
        the space's cosines (a row without some part simply lies on the others)."""
        if len(self.parts) == 1:
            return vectors
        result = np.zeros_like(vectors)
        for part, weight in zip(self.parts, space.weights, strict=True):
            if weight == 0:
                continue
            block = vectors[:, part.start : part.stop]
            norms = np.linalg.norm(block, axis=1, keepdims=True)
            result[:, part.start : part.stop] = weight * block / np.maximum(norms, 1e-12)
        norms = np.linalg.norm(result, axis=1, keepdims=True)
        return np.ascontiguousarray(result / np.maximum(norms, 1e-12), dtype=np.float32)

    def placement(self, space: Space) -> float:
        """The cosine to a centroid from which a pain point joins a cluster, in `space`."""
        return sum(w * w * part.placement for part, w in zip(self.parts, space.weights, strict=True))

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
    return View((Part(model, 0, dimension, duplicate, placement),), Space((1.0,)))


def stacked(parts: Sequence[tuple[str, int, float, float]], mixed: Sequence[float]) -> View:
    """The view of (model, dimension, duplicate, placement) parts laid side by side in this order, blended
    with the weights `mixed` for teams whose pain points do not all have the first part."""
    start = 0
    built = []
    for model, dimension, duplicate, placement in parts:
        built.append(Part(model, start, start + dimension, duplicate, placement))
        start += dimension
    return View(tuple(built), Space(tuple(mixed)))
