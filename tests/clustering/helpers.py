"""Test helpers for the clustering tests: the labelled development set and hand-made vectors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from server.clustering import Embedder
from server.clustering.types import Embeddings

LABELLED = Path(__file__).parents[1] / "data" / "painpoints_labelled.jsonl"


@dataclass(frozen=True)
class LabelledSet:
    texts: list[str]
    labels: list[str]
    langs: list[str]
    created_at: list[datetime]
    embeddings: Embeddings


def load_labelled(embedder: Embedder) -> LabelledSet:
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows]
    vectors = embedder.encode(texts)
    view = embedder.view()
    return LabelledSet(
        texts=texts,
        labels=[r["label"] for r in rows],
        langs=[r["lang"] for r in rows],
        created_at=[datetime.fromisoformat(r["created_at"]) for r in rows],
        # what a team's run clusters: the part every text has (the multilingual one: the set holds Chinese)
        embeddings=view.project(vectors, view.team_part(vectors)),
    )


def unit_rows(rows: list[list[float]]) -> Embeddings:
    """Normalised float32 rows from plain lists, for hand-made geometry in tests."""
    array = np.asarray(rows, dtype=np.float32)
    return np.asarray(array / np.linalg.norm(array, axis=1, keepdims=True), dtype=np.float32)
