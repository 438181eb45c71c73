"""How many real, distinct texts the product marks DUPLICATE, and how many rewordings it still catches.

Every distinct text of a public set is submitted to one case (the hardest case: a real case holds dozens or
hundreds of pain points, not thousands), and again shuffled into cases of `--case-size` texts, and decided
exactly as a submission is (`server.clustering.find_duplicates` with the configured model's view and
calibrated cosines):

    .venv/bin/python benchmarks/duplicates.py --data DIR [--model NAME] [--case-size 50]

A text marked DUPLICATE of a text with another label is certainly a false duplicate; one of a text with the
same label (BANKING77 has ~40 messages per intent) may be a customer's paraphrase of another's. Then our own
pairs (tests/data/painpoint_pairs.jsonl): the share of rewordings caught and of different problems caught.
Data sets: see benchmarks/datasets.py (where to get each file, licence, size).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import _args
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from datasets import SETS, data_dir, load  # noqa: E402 - benchmarks/ is on sys.path

from server.clustering import Embedder, find_duplicates  # noqa: E402
from server.domain.painpoints.config import PainPointConfig  # noqa: E402

PAIRS = ROOT / "tests" / "data" / "painpoint_pairs.jsonl"


def _distinct(texts: list[str], labels: list[str]) -> tuple[list[str], list[str]]:
    seen: dict[str, str] = {}
    for text, label in zip(texts, labels, strict=True):
        seen.setdefault(text, label)
    return list(seen), list(seen.values())


def main() -> None:
    parser = _args.parser(__doc__)
    _args.labelled_sets(parser, cache=False)
    parser.add_argument("--model", help="model name (default: the configured default)")
    parser.add_argument("--case-size", type=int, default=50, help="texts per case in the second figure")
    args = parser.parse_args()
    embedder = Embedder(args.model)
    config = PainPointConfig(model=args.model)
    print(f"model: {embedder.model_name}")
    print(
        "| set | distinct texts | marked DUPLICATE (one case) | of another label "
        f"| in cases of {args.case_size} | of another label | encode texts/s |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name in SETS:
        data = load(name, "test", data_dir(args.data))
        texts, labels = _distinct(data.texts, data.labels)
        start = time.perf_counter()
        vectors = embedder.encode(texts)
        rate = len(texts) / (time.perf_counter() - start)
        view = config.view(embedder.model_name, vectors.shape[1])
        cells = []
        order = np.random.default_rng(0).permutation(len(texts))
        for cases in ([np.arange(len(texts))], np.array_split(order, max(1, len(texts) // args.case_size))):
            marked: list[tuple[int, int]] = []
            for rows in cases:
                found = find_duplicates(vectors[rows], vectors[:0], view=view)
                marked += [(int(rows[i]), int(rows[d.index])) for i, d in enumerate(found) if d is not None]
            other = sum(labels[i] != labels[j] for i, j in marked)
            share = len(marked) / len(texts)
            cells += [f"{len(marked)} ({share:.1%})", f"{other} ({other / len(texts):.1%})"]
        print(f"| {name} test | {len(texts)} | {' | '.join(cells)} | {rate:.0f} |")
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    print("\n| pairs | count | caught as duplicates |\n| --- | --- | --- |")
    for kind, lang in (("reworded", "zh"), ("reworded", "en"), ("different", None), ("translation", None)):
        chosen = [p for p in pairs if p["kind"] == kind and (lang is None or p["lang"] == lang)]
        a = embedder.encode([p["a"] for p in chosen])
        b = embedder.encode([p["b"] for p in chosen])
        view = config.view(embedder.model_name, a.shape[1])
        caught = sum(
            find_duplicates(b[i : i + 1], a[i : i + 1], view=view)[0] is not None for i in range(len(chosen))
        )
        print(f"| {kind} {lang or ''} | {len(chosen)} | {caught} ({caught / max(len(chosen), 1):.0%}) |")


if __name__ == "__main__":
    main()
