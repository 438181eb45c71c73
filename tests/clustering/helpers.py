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
        # what a team's run clusters: its space (the blend of both parts, since the set holds Chinese)
        embeddings=view.project(vectors, view.team_space(vectors)),
    )


def unit_rows(rows: list[list[float]]) -> Embeddings:
    """Normalised float32 rows from plain lists, for hand-made geometry in tests."""
    array = np.asarray(rows, dtype=np.float32)
    return np.asarray(array / np.linalg.norm(array, axis=1, keepdims=True), dtype=np.float32)


# Two obvious themes in Chinese and English, as a small team records them.
CHECKOUT = [
    "Checkout fails with error 500 when the customer clicks Pay",
    "结账时点击支付按钮后页面报错，订单无法提交",
    "Payment page spins forever and the order is never placed",
    "客户反映购物车结算失败，提示“支付异常，请重试”",
    "Card payments at checkout are declined although the card is valid",
    "结算页面一直转圈，付款不成功",
    "Our customers cannot complete checkout on mobile, the pay button does nothing",
    "下单结账时提示系统错误，支付失败",
]
WELDING = [
    "The welding robot drifts off the programmed trajectory on long seams",
    "焊接机器人轨迹偏移，焊缝位置不准",
    "Robot arm weld path deviates by several millimetres after recalibration",
    "焊接机械臂走的路径和示教轨迹不一致",
    "Weld seams are misaligned because the robot trajectory is off",
    "机器人焊接轨迹抖动，焊缝不均匀",
]
