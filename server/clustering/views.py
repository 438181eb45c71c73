"""How a model's vectors are compared. A vector may hold several parts side by side (the bilingual default
holds an English model's and a multilingual model's), each with cosines of its own.

- Duplicates: a pair of texts is compared on the first part both of them have (the English part when both
  are English, the multilingual one otherwise), at that part's duplicate cosine.
- Clusters: a team is clustered in a *space*, a weighting of the parts: the English part alone when every
  pain point has it, otherwise the parts blended (`View.mixed`), where a text without an English part lives on
  the multilingual part alone, so Chinese and English reports of one problem can meet. In the blend, two texts
  that both have the English part find their neighbours mostly by that part (`View.neighbours`): the blend
  keeps a Chinese and an English report of one problem together, and English texts keep what the English
  model tells apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from server.clustering.bridge import Bridge
from server.clustering.knn import Knn, exact_knn
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
    # In a space that blends the parts, how much of two texts' nearness (for UMAP's neighbourhoods and the
    # vote) is their first part's cosine when both have it; the rest is the blend's. 0: the blend's alone.
    first_part_neighbours: float = 0.0
    # In such a space, a cluster mostly of texts with the first part and one mostly without it are joined from
    # this cosine of their centroids on the last part (`server.clustering.bridge`). 0: never.
    cross_language_join: float = 0.0

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

    def neighbours(self, vectors: Embeddings, space: Space, k: int) -> Knn | None:
        """Each row's k nearest rows (itself first) when nearness in `space` is not its plain cosine: in a
        blend, a pair of rows that both have the first part is at `first_part_neighbours` x that part's
        cosine + the rest x the blend's. None when the space's cosine is what UMAP and the vote should use
        (no such pair: a team without two English texts)."""
        n = len(vectors)
        share = self.first_part_neighbours
        if share == 0 or len(self.parts) == 1 or not any(space.weights[1:]) or n < 2:
            return None
        first = self.parts[0]
        has = self.present(vectors)[:, 0]
        english = int(has.sum())
        if english < 2:  # no pair to mix: a Chinese team's nearness is the blend's plain cosine
            return None
        # English rows first, so that the pairs to mix are one block of the matrix
        order = np.argsort(~has, kind="stable")
        projected = self.project(vectors, space)[order]
        own = np.asarray(vectors[order[:english], first.start : first.stop], dtype=np.float32)
        own = np.ascontiguousarray(own / np.linalg.norm(own, axis=1, keepdims=True))

        def similarities(start: int, stop: int) -> NDArray[np.float32]:
            sims = projected[start:stop] @ projected.T
            rows = max(min(stop, english) - start, 0)
            if rows:
                pairs = sims[:rows, :english]
                pairs *= 1 - share
                pairs += share * (own[start : start + rows] @ own.T)
            return sims

        indices, distances, _ = exact_knn(n, min(k, n - 1), similarities)
        back = np.empty(n, dtype=np.intp)
        back[order] = np.arange(n)
        return order[indices][back].astype(np.int64), distances[back], None

    def bridge(self, vectors: Embeddings, space: Space) -> Bridge | None:
        """What joining clusters across languages needs in `space` (`server.clustering.bridge`); None where
        the view does not join them or the space does not blend the parts."""
        if self.cross_language_join <= 0 or len(self.parts) == 1 or not any(space.weights[1:]):
            return None
        last = self.parts[-1]
        shared = np.asarray(vectors[:, last.start : last.stop], dtype=np.float32)
        shared = shared / np.maximum(np.linalg.norm(shared, axis=1, keepdims=True), 1e-12)
        return Bridge(self.present(vectors)[:, 0], np.ascontiguousarray(shared), self.cross_language_join)

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


def stacked(
    parts: Sequence[tuple[str, int, float, float]],
    mixed: Sequence[float],
    *,
    first_part_neighbours: float = 0.0,
    cross_language_join: float = 0.0,
) -> View:
    """The view of (model, dimension, duplicate, placement) parts laid side by side in this order, blended
    with the weights `mixed` for teams whose pain points do not all have the first part (`View` for the
    keywords)."""
    start = 0
    built = []
    for model, dimension, duplicate, placement in parts:
        built.append(Part(model, start, start + dimension, duplicate, placement))
        start += dimension
    return View(tuple(built), Space(tuple(mixed)), first_part_neighbours, cross_language_join)
