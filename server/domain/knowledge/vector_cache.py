"""The assets' vectors in memory, one matrix per database and model, so a meaning search ranks without
reading every vector again (measured: reading 1,000 vectors per query cost more than ranking 10,000).

Each search asks the database one cheap question: how many assets have a vector, the sum of their version
numbers (a new version raises it) and when the newest was written. When that changed (a publish anywhere, on
any server), only the assets written since the newest the matrix holds are read and put in place (a new
asset adds a row, a new version replaces its row); the count and the sum of versions must then agree with the
database's, or (an asset deleted, a vector dropped, a write committed out of time order) the whole matrix is
read again. Who may see which row is decided from the team and audience kept beside it, the same rule as
`access.visible`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.models import AssetAudience, KnowledgeAsset, User


@dataclass(frozen=True)
class Matrix:
    """Unit vectors of the assets of one model, row i for `ids[i]`."""

    mark: tuple[int, int, datetime | None]
    ids: tuple[str, ...]
    teams: np.ndarray  # object array of team ids
    organization: np.ndarray  # bool: the asset's audience is the whole organization
    vectors: np.ndarray  # (n, d) float32, rows of length 1
    versions: np.ndarray  # int64: the version each row was encoded from

    @property
    def consistent(self) -> bool:
        """The rows agree with the mark: as many, and the same sum of versions."""
        return len(self.ids) == self.mark[0] and int(self.versions.sum()) == self.mark[1]

    def visible(self, user: User) -> np.ndarray:
        if user.team_id is None:
            return np.zeros(len(self.ids), dtype=bool)
        return np.asarray(self.organization | (self.teams == user.team_id), dtype=bool)


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.asarray(matrix / np.where(norms == 0, 1, norms), dtype=np.float32)


class VectorCache:
    """The matrices of one process, by database and model."""

    def __init__(self) -> None:
        self._matrices: dict[tuple[str, str], Matrix] = {}
        self.full_reads = 0  # how many times a whole matrix was read (the benchmark and tests look)

    async def matrix(self, session: AsyncSession, model: str, dimension: int) -> Matrix:
        key = (str(session.get_bind().engine.url), model)
        mark_row = (
            await session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(KnowledgeAsset.version), 0),
                    func.max(KnowledgeAsset.updated_at),
                ).where(KnowledgeAsset.embedding_model == model)
            )
        ).one()
        mark = (int(mark_row[0]), int(mark_row[1]), mark_row[2])
        found = self._matrices.get(key)
        if found is not None and found.mark == mark:
            return found
        # Two searches that both find it stale both read it: harmless, and no lock to share between loops.
        matrix = None
        if found is not None and found.mark[2] is not None and mark[0] >= found.mark[0]:
            # Strictly newer: a row written at the very same instant but committed later is missed here,
            # and then the count or the sum of versions disagrees and the whole matrix is read.
            since = KnowledgeAsset.updated_at > found.mark[2]
            matrix = _merge(found, await _rows(session, model, dimension, since), mark)
        if matrix is None or not matrix.consistent:
            self.full_reads += 1
            matrix = _matrix(await _rows(session, model, dimension, None), dimension, mark)
        self._matrices[key] = matrix
        return matrix


async def _rows(session: AsyncSession, model: str, dimension: int, since: Any | None) -> list[Any]:
    query = select(
        KnowledgeAsset.id,
        KnowledgeAsset.team_id,
        KnowledgeAsset.audience,
        KnowledgeAsset.version,
        KnowledgeAsset.embedding,
    ).where(KnowledgeAsset.embedding_model == model, KnowledgeAsset.embedding.is_not(None))
    if since is not None:
        query = query.where(since)
    rows: list[Any] = list((await session.execute(query)).all())
    return [row for row in rows if len(row[4]) == 4 * dimension]


def _matrix(rows: list[Any], dimension: int, mark: tuple[int, int, datetime | None]) -> Matrix:
    data = np.frombuffer(b"".join(row[4] for row in rows), dtype="<f4").reshape(len(rows), dimension)
    return Matrix(
        mark=mark,
        ids=tuple(row[0] for row in rows),
        teams=np.array([row[1] for row in rows], dtype=object),
        organization=np.array([row[2] is AssetAudience.ORGANIZATION for row in rows], dtype=bool),
        vectors=_unit(data),
        versions=np.array([row[3] for row in rows], dtype=np.int64),
    )


def _merge(old: Matrix, rows: list[Any], mark: tuple[int, int, datetime | None]) -> Matrix:
    """`old` with `rows` put in place: a known asset's row replaced, a new asset's appended."""
    if not rows:
        return Matrix(mark, old.ids, old.teams, old.organization, old.vectors, old.versions)
    dimension = int(old.vectors.shape[1])
    fresh = _matrix(rows, dimension, mark)
    where = {asset_id: i for i, asset_id in enumerate(old.ids)}
    at = [where.get(asset_id, -1) for asset_id in fresh.ids]
    known = np.array([i for i in at if i >= 0], dtype=np.int64)
    from_known = np.array([k for k, i in enumerate(at) if i >= 0], dtype=np.int64)
    added = np.array([k for k, i in enumerate(at) if i < 0], dtype=np.int64)
    vectors = np.concatenate([old.vectors, fresh.vectors[added]])
    teams = np.concatenate([old.teams, fresh.teams[added]])
    organization = np.concatenate([old.organization, fresh.organization[added]])
    versions = np.concatenate([old.versions, fresh.versions[added]])
    if len(known):
        vectors[known] = fresh.vectors[from_known]
        teams[known] = fresh.teams[from_known]
        organization[known] = fresh.organization[from_known]
        versions[known] = fresh.versions[from_known]
    ids = old.ids + tuple(fresh.ids[k] for k in added)
    return Matrix(mark, ids, teams, organization, vectors, versions)


@lru_cache(maxsize=1)
def shared_vectors() -> VectorCache:
    """The process-wide cache (like the embedder it serves: `server.clustering.shared_embedder`)."""
    return VectorCache()
