"""Near-duplicate pain points within a case: accepted, but linked to the original and not counted twice."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from server.clustering.types import Embeddings
from server.clustering.views import View, single

DEFAULT_DUPLICATE_SIMILARITY = 0.95


@dataclass(frozen=True, slots=True)
class Duplicate:
    """The original a new pain point repeats: an index into the existing rows, or into the same batch."""

    index: int
    in_batch: bool
    similarity: float


def find_duplicates(
    new: Embeddings,
    existing: Embeddings,
    *,
    threshold: float = DEFAULT_DUPLICATE_SIMILARITY,
    view: View | None = None,
) -> list[Duplicate | None]:
    """Return, per new embedding, the closest original at or above its duplicate cosine, or None.

    `view` says which part of the vectors each pair is compared on and from which cosine (per model);
    without it the whole vectors are compared at `threshold`. `existing` holds the case's originals (not
    its duplicates). Earlier items of the batch that are not duplicates themselves count as originals too,
    so submitting the same complaint twice in one batch links the second to the first, and a chain of
    near-copies all point at one original.
    """
    if view is None:
        view = single("", new.shape[1] if new.ndim == 2 else 0, duplicate=threshold, placement=0.0)
    sims, limits = view.pair_scores(new, existing)
    margins = sims - limits
    batch_sims, batch_limits = view.pair_scores(new, new)
    batch_margins = batch_sims - batch_limits
    results: list[Duplicate | None] = []
    originals: list[int] = []
    for i in range(len(new)):
        best: Duplicate | None = None
        best_margin = -np.inf
        if margins.shape[1]:
            j = int(margins[i].argmax())
            if margins[i, j] >= 0:
                best, best_margin = Duplicate(j, False, float(sims[i, j])), float(margins[i, j])
        if originals:
            row = batch_margins[i, originals]
            k = int(row.argmax())
            if row[k] >= 0 and row[k] > best_margin:
                best = Duplicate(originals[k], True, float(batch_sims[i, originals[k]]))
        if best is None:
            originals.append(i)
        results.append(best)
    return results
