"""Clustering a small team's pain points directly: average linkage on cosine distance, cut at a fixed height.

UMAP needs more points than a small team has (its 15 neighbours are then most of the team), and HDBSCAN's
minimum cluster size cannot be both small enough for two themes of five and large enough to mean anything.
Average linkage asks a plain question instead: are these texts, on average, closer than a distance that is
set for the embedding model?
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from server.clustering.types import UNCLUSTERED, Embeddings, Labels


@dataclass(frozen=True, slots=True)
class AgglomerationParams:
    """When and how a small team is clustered without UMAP and HDBSCAN."""

    # Teams with fewer pain points than this are agglomerated. Measured on samples of the labelled set
    # (15 per size, USE-multilingual): at 30 and 40 points UMAP + HDBSCAN + refinement scored mean ARI
    # 0.60 / 0.68 against 0.47 / 0.61 for agglomeration; at 10 and 20 points UMAP is not run at all.
    below: int = 30
    # Cosine distance (1 - cosine) at which the average-linkage tree is cut. 0.8 scored best for both
    # USE-multilingual (mean ARI 0.65 on 10 points of 2 themes; 0.75: 0.50, 0.85: 0.51) and all-MiniLM-L6-v2
    # on English texts (0.84; 0.75: 0.66, 0.85: 0.77). Lower cuts split themes, higher ones merge them.
    max_distance: float = 0.8
    # A group with fewer members is not a cluster: its pain points stay unclustered.
    min_members: int = 2


def agglomerate(embeddings: Embeddings, params: AgglomerationParams) -> Labels:
    """Return a cluster number per pain point (-1: unclustered), numbered by first member; deterministic."""
    n = len(embeddings)
    if n < max(params.min_members, 2):
        return np.full(n, UNCLUSTERED, dtype=np.intp)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    distances = np.clip(pdist(embeddings.astype(np.float64), "cosine"), 0.0, 2.0)
    groups = fcluster(linkage(distances, "average"), params.max_distance, "distance")
    _, first, inverse, counts = np.unique(groups, return_index=True, return_inverse=True, return_counts=True)
    # renumber by first member so that the numbers do not depend on scipy's internal order
    rank = np.argsort(np.argsort(first, kind="stable"), kind="stable")
    labels = rank[inverse].astype(np.intp)
    labels[counts[inverse] < params.min_members] = UNCLUSTERED
    return labels
