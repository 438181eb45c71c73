"""One full clustering run over cached embeddings: what a worker job calls and stores as a whole."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from server.clustering.agglomerate import AgglomerationParams, agglomerate
from server.clustering.assign import DEFAULT_MIN_SIMILARITY
from server.clustering.bridge import Bridge, join_languages
from server.clustering.cluster import HdbscanParams, assign_outliers, centroids, run_hdbscan
from server.clustering.constraints import Constraints
from server.clustering.constraints import apply as apply_constraints
from server.clustering.keywords import Keyword, class_keywords, label_from_keywords
from server.clustering.knn import Knn
from server.clustering.matching import DEFAULT_MIN_JACCARD, match_clusters
from server.clustering.reduce import ReductionParams, neighbour_columns, reduce_dimensions, shared_knn
from server.clustering.refine import refine
from server.clustering.representatives import representatives
from server.clustering.trend import WeekCount, weekly_counts
from server.clustering.types import UNCLUSTERED, Embeddings, Labels
from server.clustering.views import Space, View
from server.clustering.vote import vote


@dataclass(frozen=True, slots=True)
class ClusteringParams:
    """Everything that decides a run's outcome; stored with the run so R&D can compare runs."""

    # small teams (fewer than `small_team.below` pain points) skip UMAP and HDBSCAN
    small_team: AgglomerationParams = field(default_factory=AgglomerationParams)
    reduction: ReductionParams = field(default_factory=ReductionParams)
    hdbscan: HdbscanParams = field(default_factory=HdbscanParams)
    # None leaves the outliers unclustered and the clusters as found; a cosine (set for the embedding model)
    # lets outliers that close to a centroid join it, and `refine_steps` Lloyd steps move members to their
    # nearest centroid in the original space (0: only the outliers are placed).
    outlier_min_similarity: float | None = DEFAULT_MIN_SIMILARITY
    refine_steps: int = 5
    # after refinement, from `vote_from` pain points on, each member joins the cluster its nearest
    # neighbours in the team's space vote for (`server.clustering.vote`); 0 neighbours keeps the refined
    # clusters. Below ~2,000 the vote lost NMI on train samples (770 texts: up to -.02; docs/clustering.md).
    vote_neighbours: int = 10
    vote_rounds: int = 1
    vote_from: int = 2000
    keywords: int = 10
    # c-TF-IDF reads at most this many members per cluster (the most central) and of the unclustered;
    # tokenizing every text of a 10k run took 1.7 s of its 10 s budget for the same top keywords.
    keyword_sample: int = 300
    label_terms: int = 3
    representatives: int = 5
    min_jaccard: float = DEFAULT_MIN_JACCARD

    def as_dict(self) -> dict[str, Any]:
        """Return the parameters as plain JSON-ready values."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ClusterSummary:
    """One cluster of a run. Indices refer to the order of the run's input."""

    id: str
    label: str
    keywords: list[Keyword]
    members: list[int]
    representatives: list[int]
    centroid: NDArray[np.float32]
    trend: list[WeekCount]

    @property
    def size(self) -> int:
        """Number of member pain points."""
        return len(self.members)


@dataclass(frozen=True, slots=True)
class ClusteringResult:
    """A whole run: clusters largest first, the pain points left unclustered, and what it took."""

    clusters: list[ClusterSummary]
    unclustered: list[int]
    labels: Labels
    params: ClusteringParams
    # how many of the clustering's outliers were assigned to a cluster by cosine
    rescued_outliers: int
    seconds: dict[str, float]

    def cluster_of(self) -> list[str | None]:
        """Return the cluster id of each input pain point, None when unclustered."""
        result: list[str | None] = [None] * len(self.labels)
        for summary in self.clusters:
            for index in summary.members:
                result[index] = summary.id
        return result


def cluster(
    embeddings: Embeddings,
    texts: Sequence[str],
    created_at: Sequence[datetime],
    *,
    ids: Sequence[str] | None = None,
    previous: Mapping[str, Collection[str]] | None = None,
    params: ClusteringParams | None = None,
    new_id: Callable[[], str] | None = None,
    constraints: Constraints | None = None,
    knn: Knn | None = None,
    bridge: Bridge | None = None,
) -> ClusteringResult:
    """Cluster pain points and describe each cluster; deterministic for the same input and parameters.

    Args:
        embeddings: (n, d) normalised rows, e.g. from `Embedder.encode`.
        ids: the pain points' ids; needed with `previous` to keep cluster ids stable across runs.
        previous: the last run's clusters as {cluster id: member pain-point ids}.
        new_id: makes ids for clusters that match no previous one (default: random UUIDs).
        constraints: people's corrections as must-link / cannot-link / excluded indices, honoured after the
            density step and refinement (`server.clustering.constraints`).
        knn: each pain point's nearest ones (`server.clustering.knn`) when nearness is not the embeddings'
            cosine (`View.neighbours`), with at least UMAP's neighbours and the vote's + 1 columns; UMAP and
            the vote use them.
        bridge: joins a mixed team's clusters across languages after refinement (`View.bridge`); teams of
            UMAP's size only.
    """
    params = params or ClusteringParams()
    n = len(embeddings)
    if not (len(texts) == len(created_at) == n) or (ids is not None and len(ids) != n):
        raise ValueError("embeddings, texts, created_at (and ids) must have one entry per pain point")
    if ids is None and previous:
        raise ValueError("pass the pain points' ids to match clusters with a previous run")
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    if n < params.small_team.below:
        seconds["reduce"], clock = _lap(clock)
        raw_labels = agglomerate(embeddings, params.small_team)
    else:
        # from 4,096 points the exact neighbour search is shared by UMAP and the vote (~1 s at 10k)
        if knn is None:
            knn = shared_knn(embeddings, params.reduction, at_least=params.vote_neighbours + 1)
        reduced = reduce_dimensions(embeddings, params.reduction, knn=knn)
        seconds["reduce"], clock = _lap(clock)
        raw_labels = run_hdbscan(reduced, params.hdbscan)
    labels = raw_labels
    if params.outlier_min_similarity is not None and params.refine_steps > 0:
        labels = refine(
            embeddings, raw_labels, min_similarity=params.outlier_min_similarity, steps=params.refine_steps
        )
        if n >= max(params.vote_from, params.small_team.below):
            labels = vote(
                embeddings, labels, neighbours=params.vote_neighbours, rounds=params.vote_rounds, known=knn
            )
    elif params.outlier_min_similarity is not None:
        labels = assign_outliers(embeddings, raw_labels, params.outlier_min_similarity)
    if bridge is not None and n >= params.small_team.below:
        labels = join_languages(labels, bridge)
    if constraints:
        labels = apply_constraints(embeddings, labels, constraints)
    seconds["cluster"], clock = _lap(clock)

    numbers, means = centroids(embeddings, labels)
    sample = _keyword_sample(embeddings, labels, numbers, means, params.keyword_sample)
    keywords = class_keywords([texts[i] for i in sample], labels[sample].tolist(), top_n=params.keywords)
    seconds["keywords"], clock = _lap(clock)

    drafts = []
    for number, centroid in zip(numbers.tolist(), means, strict=True):
        members = np.flatnonzero(labels == number).astype(np.intp)
        drafts.append((members, centroid, keywords.get(number, [])))
    # largest first, then by first member, so the output order is stable
    drafts.sort(key=lambda d: (-len(d[0]), int(d[0][0])))
    current = [[ids[i] for i in d[0].tolist()] for d in drafts] if ids is not None else [[] for _ in drafts]
    cluster_ids = match_clusters(
        previous or {}, current, min_jaccard=params.min_jaccard, new_id=new_id, present=ids
    )
    clusters = [
        ClusterSummary(
            id=cluster_id,
            label=label_from_keywords(words, max_terms=params.label_terms),
            keywords=words,
            members=members.tolist(),
            representatives=representatives(
                embeddings, members, centroid, texts=texts, count=params.representatives
            ),
            centroid=centroid,
            trend=weekly_counts(created_at[i] for i in members.tolist()),
        )
        for cluster_id, (members, centroid, words) in zip(cluster_ids, drafts, strict=True)
    ]
    seconds["describe"], _ = _lap(clock)
    return ClusteringResult(
        clusters=clusters,
        unclustered=np.flatnonzero(labels == UNCLUSTERED).tolist(),
        labels=labels,
        params=params,
        rescued_outliers=int(((raw_labels == UNCLUSTERED) & (labels != UNCLUSTERED)).sum()),
        seconds=seconds,
    )


def team_neighbours(view: View, vectors: Embeddings, space: Space, params: ClusteringParams) -> Knn | None:
    """The `knn` to pass `cluster` for a team's whole `vectors` clustered in `space` (`View.neighbours`): None
    where nearness there is the projected vectors' plain cosine, and for teams too small for UMAP."""
    if len(vectors) < max(params.small_team.below, 2):
        return None
    columns = neighbour_columns(params.reduction, len(vectors), params.vote_neighbours + 1)
    return view.neighbours(vectors, space, columns)


def _keyword_sample(
    embeddings: Embeddings, labels: Labels, numbers: NDArray[np.intp], means: Embeddings, limit: int
) -> list[int]:
    """Return the indices whose texts feed the keywords: the `limit` most central members of each cluster
    and `limit` evenly spread unclustered ones, in ascending order."""
    chosen: list[int] = []
    for number, centroid in zip(numbers.tolist(), means, strict=True):
        members = np.flatnonzero(labels == number)
        if len(members) > limit:
            members = members[np.argsort(-(embeddings[members] @ centroid), kind="stable")[:limit]]
        chosen.extend(members.tolist())
    noise = np.flatnonzero(labels == UNCLUSTERED)
    if len(noise) > limit:
        noise = noise[np.linspace(0, len(noise) - 1, limit).astype(np.intp)]
    chosen.extend(noise.tolist())
    return sorted(chosen)


def _lap(since: float) -> tuple[float, float]:
    now = time.perf_counter()
    return now - since, now
