"""The pain points that best stand for a cluster: the members closest to its centroid."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from server.clustering.types import Embeddings


def representatives(
    embeddings: Embeddings,
    members: NDArray[np.intp],
    centroid: NDArray[np.float32],
    *,
    texts: Sequence[str] | None = None,
    count: int = 5,
) -> list[int]:
    """Return up to `count` member indices, most central first, skipping repeats of an already chosen text."""
    order = members[np.argsort(-(embeddings[members] @ centroid), kind="stable")]
    chosen: list[int] = []
    seen: set[str] = set()
    for index in order.tolist():
        if texts is not None:
            key = " ".join(texts[index].casefold().split())
            if key in seen:
                continue
            seen.add(key)
        chosen.append(index)
        if len(chosen) == count:
            break
    return chosen
