"""The embedding cache: one float32 vector per pain point and model, made only when the model changes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.clustering import Embedder
from server.clustering.types import Embeddings
from server.models import PainPointEmbedding

log = logging.getLogger("warroom.painpoints")


@dataclass(frozen=True)
class Encoded:
    """Vectors of some texts under one model, row i for text i."""

    model: str
    vectors: Embeddings


def to_bytes(vector: np.ndarray) -> bytes:
    """Serialise one vector as little-endian float32."""
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes, dimension: int) -> Embeddings:
    """The vector `to_bytes` wrote."""
    vector = np.frombuffer(data, dtype="<f4")
    if len(vector) != dimension:
        raise ValueError(f"stored vector has {len(vector)} values, expected {dimension}")
    return vector.astype(np.float32)


async def encode(embedder: Embedder, texts: Sequence[str]) -> Encoded:
    """Encode in a worker thread, so the event loop keeps serving while torch works."""
    vectors = await asyncio.to_thread(embedder.encode, list(texts))
    return Encoded(embedder.model_name, vectors)


async def try_encode(embedder: Embedder, texts: Sequence[str]) -> Encoded | None:
    """`encode`, or None when the model cannot run; the caller leaves the texts to the embedding job."""
    if not texts:
        return Encoded(embedder.model_name, np.empty((0, 0), dtype=np.float32))
    try:
        return await encode(embedder, texts)
    except Exception:  # a submission is never lost to the model: the embedding job retries and records why
        log.exception(
            "encoding at submit failed; the embedding job will retry", extra={"model": embedder.model_name}
        )
        return None


async def store(session: AsyncSession, ids: Sequence[str], encoded: Encoded) -> int:
    """Cache the vectors of `ids` under `encoded.model`, skipping those already cached; returns how many."""
    if not ids:
        return 0
    have = set(
        (
            await session.execute(
                select(PainPointEmbedding.pain_point_id).where(
                    PainPointEmbedding.model == encoded.model, PainPointEmbedding.pain_point_id.in_(ids)
                )
            )
        ).scalars()
    )
    rows = [
        PainPointEmbedding(
            pain_point_id=pain_point_id,
            model=encoded.model,
            dimension=int(vector.shape[0]),
            vector=to_bytes(vector),
        )
        for pain_point_id, vector in zip(ids, encoded.vectors, strict=True)
        if pain_point_id not in have
    ]
    session.add_all(rows)
    await session.flush()
    return len(rows)


async def load(session: AsyncSession, ids: Sequence[str], model: str) -> tuple[list[str], Embeddings]:
    """The cached vectors of those `ids` that have one under `model`, in the order of `ids`."""
    found: dict[str, Embeddings] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        rows = await session.execute(
            select(
                PainPointEmbedding.pain_point_id, PainPointEmbedding.vector, PainPointEmbedding.dimension
            ).where(PainPointEmbedding.model == model, PainPointEmbedding.pain_point_id.in_(chunk))
        )
        for pain_point_id, data, dimension in rows.all():
            found[pain_point_id] = from_bytes(data, dimension)
    kept = [pain_point_id for pain_point_id in ids if pain_point_id in found]
    return kept, stack([found[pain_point_id] for pain_point_id in kept])


def stack(vectors: Sequence[Embeddings]) -> Embeddings:
    """Rows as one (n, d) float32 matrix; (0, 0) when there are none."""
    if not vectors:
        return np.empty((0, 0), dtype=np.float32)
    return np.ascontiguousarray(np.vstack(vectors), dtype=np.float32)
