"""Public labelled sets of short customer texts, to measure embedding models on Chinese and English.

No data lives in this repository: put the files under one directory, given by `--data DIR`, the env var
`WARROOM_BENCH_DATA`, or by default `var/bench-data/` under the repository root (git-ignored):

    DIR/banking77/train.csv, DIR/banking77/test.csv
        BANKING77, English online-banking customer messages, 77 intents; train 10,003, test 3,080.
        From github.com/PolyAI-LDN/task-specific-datasets, banking_data/train.csv and test.csv
        (commit 57ec275), CC-BY-4.0. Columns `text,category` with a header line.

    DIR/smp2017/Chinese_data.csv
        SMP2017-ECDT task 1, Chinese user requests to iFLYTEK voice assistants, 31 domains (chit-chat plus
        30 tasks: flight, cookbook, weather, ...). From github.com/NOXITONG/SMP2017-ECDT-task1,
        preprocessing/Chinese_data.csv (commit a55694c): `Sentence<TAB>Tag` with a header line, the official
        training set (2,299, first label-sorted block) followed by the official development set (770,
        second block), which serves as the test split here. No licence file; the organisers
        (github.com/HITlilingzhi/SMP2017ECDT-DATA) release the data "for research use" and ask to cite
        arXiv:1709.10217. Measurement only: never ship or commit it.

`load(name, split, data_dir)` returns a `LabelledSet`; `SETS` lists the names.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "var" / "bench-data"

Split = Literal["train", "test"]
SETS = ("smp2017", "banking77")
LANGUAGE = {"smp2017": "zh", "banking77": "en"}


class DataMissingError(FileNotFoundError):
    """A data set's files are not where the loader looks; the message says what to put where."""


@dataclass(frozen=True, slots=True)
class LabelledSet:
    """Texts with one true label each, in file order."""

    name: str
    split: Split
    texts: list[str]
    labels: list[str]

    @property
    def classes(self) -> int:
        """Number of distinct labels."""
        return len(set(self.labels))


def data_dir(explicit: str | Path | None = None) -> Path:
    """Return the data directory: `explicit`, else `WARROOM_BENCH_DATA`, else var/bench-data."""
    chosen = explicit or os.environ.get("WARROOM_BENCH_DATA") or DEFAULT_DATA
    return Path(chosen)


def load(name: str, split: Split, directory: str | Path | None = None) -> LabelledSet:
    """Return one split of one set (see the module docstring for the files each needs)."""
    root = data_dir(directory)
    if name == "banking77":
        texts, labels = _banking77(_need(root / "banking77" / f"{split}.csv", name))
    elif name == "smp2017":
        texts, labels = _smp2017(_need(root / "smp2017" / "Chinese_data.csv", name), split)
    else:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(SETS)}")
    return LabelledSet(name, split, texts, labels)


def _need(path: Path, name: str) -> Path:
    if not path.is_file():
        raise DataMissingError(
            f"{name}: {path} is missing. Put the public files under {path.parents[1]} as described in "
            f"benchmarks/datasets.py (or point --data / WARROOM_BENCH_DATA at the directory holding "
            f"{path.parent.name}/)."
        )
    return path


def _banking77(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    return [r["text"].strip() for r in rows], [r["category"] for r in rows]


def _smp2017(path: Path, split: Split) -> tuple[list[str], list[str]]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()[1:]
    rows = [line.split("\t") for line in lines if line.strip()]
    if any(len(r) != 2 for r in rows):
        raise ValueError(f"{path}: expected `sentence<TAB>tag` on every line")
    labels = [r[1].strip() for r in rows]
    # Two label-sorted blocks: the official training set, then the official development set.
    starts = [i for i in range(1, len(labels)) if labels[i] < labels[i - 1]]
    if len(starts) != 1:
        raise ValueError(f"{path}: expected the training block then the development block")
    chosen = rows[: starts[0]] if split == "train" else rows[starts[0] :]
    return [r[0].strip() for r in chosen], [r[1].strip() for r in chosen]
