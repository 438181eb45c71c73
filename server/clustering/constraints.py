"""Corrections as constraints the clustering honours: must-link groups, cannot-link pairs, exclusions.

The engine knows nothing of corrections; callers pass indices into the run's input. The algorithm, applied to
the labels after the density step and the centroid refinement (so no later step can undo it):

1. Must-link groups are joined into components (union-find). Excluded points leave every component.
2. Each component of two or more points moves whole into the cluster that holds most of its members (ties:
   the lowest cluster number); a component whose members are all unclustered becomes a cluster of its own.
3. Cannot-link pairs between points of one component are dropped (the caller orders corrections so that the
   newest wins; a pair inside one must-link group cannot be honoured and the group is the later decision).
4. A cluster that holds both ends of a cannot-link pair is split at the constraint: the conflicting
   components are coloured greedily so that no two linked ones share a colour, each colour seeds a part, and
   every other member joins the part whose seed centroid is nearest. Parts get fresh cluster numbers.
5. Excluded points are unclustered.

Placement of a new point (`forbidden_clusters`) forbids the clusters its cannot-links sit in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from server.clustering.types import UNCLUSTERED, Embeddings, Labels


@dataclass(frozen=True, slots=True)
class Constraints:
    """Indices into a run's input: groups that must share a cluster, pairs that must not, points kept out."""

    must_link: Sequence[Sequence[int]] = field(default_factory=list)
    cannot_link: Sequence[tuple[int, int]] = field(default_factory=list)
    excluded: Sequence[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.must_link or self.cannot_link or self.excluded)


def components(n: int, must_link: Sequence[Sequence[int]], excluded: Sequence[int] = ()) -> np.ndarray:
    """Return a component number per point: points joined by must-link groups share one."""
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    out = set(excluded)
    for group in must_link:
        members = [i for i in group if i not in out]
        for other in members[1:]:
            a, b = find(members[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return np.array([find(i) for i in range(n)], dtype=np.intp)


def apply(embeddings: Embeddings, labels: Labels, constraints: Constraints) -> Labels:
    """Return labels that honour the constraints (see the module's docstring)."""
    result = labels.copy()
    if not constraints or len(result) == 0:
        return result
    n = len(result)
    comp = components(n, constraints.must_link, constraints.excluded)
    excluded = np.zeros(n, dtype=bool)
    excluded[list(constraints.excluded)] = True
    next_label = int(result.max(initial=UNCLUSTERED)) + 1
    for root in np.unique(comp):
        members = np.flatnonzero((comp == root) & ~excluded)
        if len(members) < 2:
            continue
        clustered = result[members][result[members] != UNCLUSTERED]
        if len(clustered):
            numbers, counts = np.unique(clustered, return_counts=True)
            result[members] = numbers[int(np.argmax(counts))]
        else:
            result[members] = next_label
            next_label += 1
    pairs = [
        (a, b)
        for a, b in constraints.cannot_link
        if comp[a] != comp[b] and not excluded[a] and not excluded[b]
    ]
    numbers = np.unique(result[[a for a, _ in pairs]]).tolist() if pairs else []
    for number in numbers:
        if number == UNCLUSTERED:
            continue
        inside = [
            (int(comp[a]), int(comp[b])) for a, b in pairs if result[a] == number and result[b] == number
        ]
        if inside:
            next_label = _split(embeddings, result, comp, int(number), inside, next_label)
    result[excluded] = UNCLUSTERED
    return result


def _split(
    embeddings: Embeddings,
    labels: Labels,
    comp: np.ndarray,
    number: int,
    conflicts: list[tuple[int, int]],
    next_label: int,
) -> int:
    """Split cluster `number` in place so that no conflicting pair of components shares a part."""
    neighbours: dict[int, set[int]] = {}
    for a, b in conflicts:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    colour: dict[int, int] = {}
    # largest degree first keeps the number of parts small; ties by component number for determinism
    for root in sorted(neighbours, key=lambda r: (-len(neighbours[r]), r)):
        taken = {colour[o] for o in neighbours[root] if o in colour}
        colour[root] = next(c for c in range(len(neighbours) + 1) if c not in taken)
    members = np.flatnonzero(labels == number)
    part = np.full(len(members), -1, dtype=np.intp)
    for position, root in enumerate(comp[members].tolist()):
        part[position] = colour.get(root, -1)
    parts = sorted(set(colour.values()))
    seeds = np.vstack([embeddings[members[part == p]].mean(axis=0) for p in parts])
    seeds /= np.maximum(np.linalg.norm(seeds, axis=1, keepdims=True), 1e-12)
    free = np.flatnonzero(part == -1)
    if len(free):
        # a free member goes with its whole must-link component: judge the component's mean
        for root in np.unique(comp[members[free]]):
            group = free[comp[members[free]] == root]
            mean = embeddings[members[group]].mean(axis=0)
            part[group] = parts[int(np.argmax(seeds @ mean))]
    for p in parts[1:]:
        labels[members[part == p]] = next_label
        next_label += 1
    return next_label


def forbidden_clusters(cluster_of: Sequence[str | None], linked: Sequence[int]) -> set[str]:
    """The cluster ids a new point may not join: those holding any point it is cannot-linked with."""
    return {c for i in linked if (c := cluster_of[i]) is not None}
