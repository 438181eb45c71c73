"""Near-duplicate pain points within a case: accepted, but linked to the original and not counted twice."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from server.clustering.types import Embeddings

DEFAULT_DUPLICATE_SIMILARITY = 0.95


@dataclass(frozen=True, slots=True)
class Duplicate:
    """The original a new pain point repeats: an index into the existing rows, or into the same batch."""

    index: int
    in_batch: bool
    similarity: float


def find_duplicates(
    new: Embeddings, existing: Embeddings, *, threshold: float = DEFAULT_DUPLICATE_SIMILARITY
) -> list[Duplicate | None]:
    """Return, per new embedding, the most similar original with cosine >= `threshold`, or None.

    `existing` holds the case's originals (not its duplicates). Earlier items of the batch that are not
    duplicates themselves count as originals too, so submitting the same complaint twice in one batch links
    the second to the first, and a chain of near-copies all point at one original.
    """
    results: list[Duplicate | None] = []
    against_existing = new @ existing.T if len(existing) else np.empty((len(new), 0), dtype=np.float32)
    batch_sims = new @ new.T
    originals: list[int] = []
    for i in range(len(new)):
        best: Duplicate | None = None
        if against_existing.shape[1]:
            j = int(against_existing[i].argmax())
            if against_existing[i, j] >= threshold:
                best = Duplicate(j, False, float(against_existing[i, j]))
        if originals:
            sims = batch_sims[i, originals]
            k = int(sims.argmax())
            if sims[k] >= threshold and (best is None or sims[k] > best.similarity):
                best = Duplicate(originals[k], True, float(sims[k]))
        if best is None:
            originals.append(i)
        results.append(best)
    return results
