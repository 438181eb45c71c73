"""Pain-point clustering, free of the database and the API: embed, cluster, describe, match, place.

Heavy libraries (sentence-transformers, the USE weights, UMAP, HDBSCAN, jieba) are imported on first use,
so importing this package costs nothing at server start.
"""

from server.clustering.agglomerate import AgglomerationParams
from server.clustering.assign import DEFAULT_MIN_SIMILARITY, Centroids, Placement, place
from server.clustering.cluster import HdbscanParams
from server.clustering.constraints import Constraints
from server.clustering.duplicates import DEFAULT_DUPLICATE_SIMILARITY, Duplicate, find_duplicates
from server.clustering.embedding import DEFAULT_MODEL, Embedder, shared_embedder
from server.clustering.keywords import Keyword, class_keywords, label_from_keywords, tokenize
from server.clustering.matching import match_clusters
from server.clustering.pipeline import (
    ClusteringParams,
    ClusteringResult,
    ClusterSummary,
    cluster,
    team_neighbours,
)
from server.clustering.reduce import ReductionParams
from server.clustering.trend import WeekCount, weekly_counts
from server.clustering.views import View

__all__ = [
    "DEFAULT_DUPLICATE_SIMILARITY",
    "DEFAULT_MIN_SIMILARITY",
    "DEFAULT_MODEL",
    "AgglomerationParams",
    "Centroids",
    "ClusterSummary",
    "ClusteringParams",
    "ClusteringResult",
    "Constraints",
    "Duplicate",
    "Embedder",
    "HdbscanParams",
    "Keyword",
    "Placement",
    "ReductionParams",
    "View",
    "WeekCount",
    "class_keywords",
    "cluster",
    "find_duplicates",
    "label_from_keywords",
    "match_clusters",
    "place",
    "shared_embedder",
    "team_neighbours",
    "tokenize",
    "weekly_counts",
]
