"""Cluster corrections (issue 19): after 50 random corrections consistent with the true labels, does the next
full re-cluster keep all of them, and what happens to NMI/ARI? A script, not a test.

    flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/cluster_corrections.py --data DIR
        [--cache DIR] [--set banking77] [--split test] [--corrections 50] [--seed 7]

The set is read by benchmarks/datasets.py (BANKING77 test: 3,080 English texts, 77 intents; or SMP2017's
770 Chinese development texts), vectors cached as in benchmarks/clustering.py. A free run through the
product's path (`cluster_runs.compute`) is the "before"; then, seeded, corrections are drawn against it as a
person fixing it would, each on pain points no earlier one touched, and applied to the current clusters:
  move      a text whose cluster is mostly another label, into a cluster mostly of its own label;
  merge     two clusters mostly of the same label;
  split     a cluster holding two labels with 3+ texts each, into groups by true label.
They are stored as `ClusterCorrection` rows (in memory) so the run builds its constraints exactly as the
product does; the "after" run is `compute` again with the corrected clusters as the previous run. A
correction is kept when the after run still has it (moved text with its target's members; merged clusters
in one; each split group in one cluster, the groups apart). An unclustered text counts as a singleton.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

import _args
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clustering import DAY, default_view, load_part, scores

from server.clustering.models import BILINGUAL
from server.domain.clusters import constraints as kinds
from server.domain.clusters.runs import RunInputs, compute
from server.models import ClusterCorrection


def _inputs(
    ids: list[str],
    texts: list[str],
    vectors: np.ndarray,
    previous: dict[str, list[str]],
    corrections: list[ClusterCorrection],
) -> RunInputs:
    return RunInputs(
        team_id="bench",
        model=BILINGUAL,
        ids=ids,
        vectors=vectors,
        texts=texts,
        created_at=[DAY] * len(ids),
        case_ids=["case"] * len(ids),
        customers=["ACME"] * len(ids),
        previous=previous,
        corrections=corrections,
    )


def _majority(members: list[str], truth: dict[str, str]) -> tuple[str, float]:
    label, count = Counter(truth[m] for m in members).most_common(1)[0]
    return label, count / len(members)


def draw(
    clusters: dict[str, list[str]], truth: dict[str, str], count: int, rng: random.Random
) -> list[ClusterCorrection]:
    """Corrections on `clusters` (changed in place), newest first as the product reads them."""
    made: list[ClusterCorrection] = []
    taken: set[str] = set()
    kinds_cycle = [kinds.MOVE, kinds.MERGE, kinds.SPLIT]
    attempts = 0
    while len(made) < count and attempts < count * 50:
        attempts += 1
        kind = kinds_cycle[len(made) % 3] if attempts < count * 20 else kinds.MOVE
        free = {c: m for c, m in clusters.items() if m and not taken.intersection(m)}
        majority = {c: _majority(m, truth) for c, m in free.items()}
        data: dict[str, object] = {}
        subject = None
        if kind == kinds.MOVE:
            wrong = [
                (p, c)
                for c, m in clusters.items()
                for p in m
                if p not in taken and c in majority and truth[p] != majority[c][0]
            ] or [
                (p, c)
                for c, m in clusters.items()
                for p in m
                if p not in taken and truth[p] != _majority(m, truth)[0]
            ]
            if not wrong:
                continue
            subject, source = rng.choice(sorted(wrong))
            homes = [c for c, (label, _) in majority.items() if label == truth[subject] and c != source]
            if not homes:
                continue
            target = rng.choice(sorted(homes))
            data = {"from": source, "members": list(clusters[target])}
            clusters[source].remove(subject)
            clusters[target].append(subject)
            taken.add(subject)
            cluster_id = target
        elif kind == kinds.MERGE:
            by_label: dict[str, list[str]] = {}
            for c, (label, _) in sorted(majority.items()):
                by_label.setdefault(label, []).append(c)
            pairs = [cs for cs in by_label.values() if len(cs) > 1]
            if not pairs:
                continue
            a, b = rng.sample(rng.choice(pairs), 2)
            clusters[a].extend(clusters.pop(b))
            data = {"merged": [b], "members": list(clusters[a])}
            taken.update(clusters[a])
            cluster_id = a
        else:
            mixed = [
                c
                for c, m in sorted(free.items())
                if sum(1 for n in Counter(truth[x] for x in m).values() if n >= 3) >= 2
            ]
            if not mixed:
                continue
            cluster_id = rng.choice(mixed)
            groups: dict[str, list[str]] = {}
            for member in clusters[cluster_id]:
                groups.setdefault(truth[member], []).append(member)
            parts = sorted(groups.values(), key=len, reverse=True)
            data = {"groups": parts}
            taken.update(clusters[cluster_id])
            clusters[cluster_id] = parts[0]
            for i, part in enumerate(parts[1:]):
                clusters[f"{cluster_id}-part{i}"] = part
        made.append(
            ClusterCorrection(
                id=f"c{len(made):03d}", kind=kind, cluster_id=cluster_id, pain_point_id=subject, data=data
            )
        )
    return list(reversed(made))


def kept(correction: ClusterCorrection, owner: dict[str, str | None]) -> bool:
    """Whether a run's memberships still carry the correction."""
    data = correction.data
    if correction.kind == kinds.MOVE:
        anchors = Counter(owner[m] for m in data["members"]).most_common(1)[0][0]
        return (
            owner[str(correction.pain_point_id)] is not None
            and owner[str(correction.pain_point_id)] == anchors
        )
    if correction.kind == kinds.MERGE:
        return len({owner[m] for m in data["members"]}) == 1 and owner[data["members"][0]] is not None
    homes = [{owner[m] for m in group} for group in data["groups"]]
    single = [next(iter(h)) for h in homes if len(h) == 1]
    return len(single) == len(homes) and None not in single and len(set(single)) == len(single)


def main() -> None:
    parser = _args.parser(__doc__)
    _args.labelled_sets(parser, required=True)
    parser.add_argument("--set", default="banking77")
    parser.add_argument("--split", default="test")
    parser.add_argument("--corrections", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    part = load_part(args.set, args.split, args.data, args.cache or args.data / "cache")
    vectors = part.bilingual()
    order = sorted(range(len(part.texts)), key=lambda i: (part.texts[i], f"{i:08d}"))
    ids = [f"{i:08d}" for i in order]
    texts = [part.texts[i] for i in order]
    stacked = np.ascontiguousarray(vectors[order])
    truth = {ids[k]: part.labels[i] for k, i in enumerate(order)}
    view = default_view()

    clock = time.perf_counter()
    free = compute(_inputs(ids, texts, stacked, {}, []), view).result
    free_seconds = time.perf_counter() - clock
    clusters = {c.id: [ids[i] for i in c.members] for c in free.clusters}
    corrections = draw(clusters, truth, args.corrections, random.Random(args.seed))
    clock = time.perf_counter()
    held = compute(_inputs(ids, texts, stacked, clusters, corrections), view).result
    held_seconds = time.perf_counter() - clock
    owner = dict(zip(ids, held.cluster_of(), strict=True))
    counted = Counter(c.kind for c in corrections)
    kept_count = Counter(c.kind for c in corrections if kept(c, owner))
    true = [truth[i] for i in ids]
    before = scores(true, free.labels)
    after = scores(true, held.labels)
    print(f"{args.set} {args.split}: {len(ids)} texts, {len(set(true))} labels, seed {args.seed}")
    print(
        f"corrections: {dict(counted)}; kept by the next full run: {dict(kept_count)} "
        f"= {sum(kept_count.values())}/{len(corrections)}"
    )
    print(
        f"before (free run):       NMI {before[0]:.3f}  ARI {before[1]:.3f}  clusters {len(free.clusters)}  "
        f"({free_seconds:.1f} s)"
    )
    print(
        f"after (with corrections): NMI {after[0]:.3f}  ARI {after[1]:.3f}  clusters {len(held.clusters)}  "
        f"({held_seconds:.1f} s)"
    )


if __name__ == "__main__":
    main()
