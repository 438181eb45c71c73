"""Finding assets: by words (Chinese and English alike) and tags, and by meaning with the pain-point
embedding model.

The word search is the case list's (server.domain.cases.listing): every word of the query, split on spaces,
must be a substring of the asset's title, summary, tags or published text, ignoring case, so "故障处置" finds
"手术室紧急故障处置SOP" with no word segmenter to miss it. The searchable text is stored lower-cased, so every
word is a plain substring test. Only assets in the caller's audience are read.

On PostgreSQL the words of three characters or more are first looked for through the trigram index
(pg_trgm, migration 0025) among the caller's audience: when fewer than `_FEW_POSTGRES` assets hold them all,
the index answers (LIKE patterns, the texts of its candidates checked); when more, or without the index,
the newest texts of the audience are read (strpos) until the page is full.

On SQLite the words of three characters or more are first looked up in the trigram full-text index
(migration 0024): a word found in few assets (or none) is answered from the index, not by reading every text.
A word found in many assets is cheaper to find by reading the newest texts (the first page fills at once), so
when the index holds more than `_FEW` matches the search reads texts as on PostgreSQL. A search made only of
one- or two-character words, which the index cannot answer, reads at most the texts of the newest
`SHORT_WINDOW` assets (of all teams; those in the caller's audience among them).

The meaning search encodes the query (the vectors of recent queries are kept, `query_vectors`) and ranks the
audience's vectors by cosine similarity.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Select, and_, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from threadpoolctl import ThreadpoolController

from server.clustering import Embedder
from server.domain.errors import BadInput
from server.domain.knowledge.access import visible, visible_by_ids
from server.domain.knowledge.publishing import clean_tags
from server.domain.knowledge.vector_cache import shared_vectors
from server.domain.pagination import Page, check_first, paginate
from server.domain.painpoints import vectors
from server.models import KnowledgeAsset, User

MAX_QUERY = 200
MAX_WORDS = 10
MAX_SIMILAR = 50
# SQLite: a word matched through the index when it is in fewer assets than this; else by reading texts.
_FEW = 500
# PostgreSQL: the same through the trigram index, among the caller's audience. Lower: the probe checks the
# text of every candidate it counts (a word in every asset: 100 texts checked ~6 ms, 500 ~12 ms, on a
# loaded machine), and a word in 1% of the assets or more fills a page from the newest texts quickly.
_FEW_POSTGRES = 100
# SQLite: the newest assets of the audience a search of only one- or two-character words reads.
SHORT_WINDOW = 2000
_TRIGRAM = 3


def _words(query: str | None) -> list[str]:
    words = " ".join((query or "").split())
    if len(words) > MAX_QUERY:
        raise BadInput(f"A search has at most {MAX_QUERY} characters.")
    if len(words.split()) > MAX_WORDS:
        raise BadInput(f"A search has at most {MAX_WORDS} words.")
    return words.split()


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


async def _indexed(session: AsyncSession, words: list[str]) -> ColumnElement[bool] | None:
    """SQLite: the assets holding every word of three characters or more, from the full-text index, when
    they are few; None when they are many (reading the newest texts finds them faster)."""
    long_words = [word for word in words if len(word) >= _TRIGRAM]
    if not long_words:
        return None
    match = " AND ".join(_phrase(word) for word in long_words)
    count = await session.scalar(
        text(
            "SELECT count(*) FROM (SELECT 1 FROM knowledge_assets_fts "
            "WHERE knowledge_assets_fts MATCH :match LIMIT :few)"
        ),
        {"match": match, "few": _FEW},
    )
    if int(count or 0) >= _FEW:
        return None
    # The index numbers its rows by the keys of knowledge_assets_fts_keys (migration 0024).
    matches: Select[Any] = (
        select(literal_column("asset_id"))
        .select_from(text("knowledge_assets_fts_keys"))
        .where(
            text(
                "key IN (SELECT rowid FROM knowledge_assets_fts WHERE knowledge_assets_fts MATCH :match)"
            ).bindparams(match=match)
        )
    )
    return KnowledgeAsset.id.in_(matches)


_TRIGRAM_INDEX = "ix_knowledge_assets_search_trgm"  # migration 0025
_has_trigram_index: dict[str, bool] = {}


async def _trigrams(session: AsyncSession, user: User, words: list[str]) -> ColumnElement[bool] | None:
    """PostgreSQL: the words of three characters or more as LIKE patterns the trigram index answers, when
    the assets of the caller's audience holding them all are few; None when they are many (reading the
    newest texts finds them faster: a word in every asset made the index read all 10,000 texts again to
    keep the newest 20) or when the database has no such index (pg_trgm could not be created)."""
    long_words = [word for word in words if len(word) >= _TRIGRAM]
    if not long_words or session.get_bind().dialect.name != "postgresql":
        return None
    url = str(session.get_bind().engine.url)
    if url not in _has_trigram_index:
        found = await session.scalar(select(func.to_regclass(_TRIGRAM_INDEX)))
        _has_trigram_index[url] = found is not None
    if not _has_trigram_index[url]:
        return None
    # One pattern per word, sent whole (not '%' || word || '%'): the index reads its trigrams at execution.
    escaped = (word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for word in long_words)
    held = and_(*(KnowledgeAsset.search_text.like(f"%{word}%", escape="\\") for word in escaped))
    probe = select(literal_column("1")).where(visible(user), held).limit(_FEW_POSTGRES).subquery()
    if int(await session.scalar(select(func.count()).select_from(probe)) or 0) >= _FEW_POSTGRES:
        return None
    return held


async def search(
    session: AsyncSession,
    user: User,
    *,
    query: str | None,
    tags: Sequence[str],
    first: int,
    after: str | None,
) -> Page[KnowledgeAsset]:
    """The assets in the caller's audience holding every word of `query` and every tag, newest first."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    position = func.instr if sqlite else func.strpos
    words = [word.lower() for word in _words(query)]
    statement = select(KnowledgeAsset).where(visible(user))
    indexed = await _indexed(session, words) if sqlite else await _trigrams(session, user, words)
    if indexed is not None:
        statement = statement.where(indexed)
        words = [word for word in words if len(word) < _TRIGRAM]
    elif sqlite and words and all(len(word) < _TRIGRAM for word in words):
        # A lower bound on the id (read from the key's index alone), not a list of ids: the scan stays newest
        # first and stops at a full page.
        oldest = await session.scalar(
            select(KnowledgeAsset.id).order_by(KnowledgeAsset.id.desc()).offset(SHORT_WINDOW - 1).limit(1)
        )
        if oldest is not None:
            statement = statement.where(KnowledgeAsset.id >= oldest)
    for word in words:
        statement = statement.where(position(KnowledgeAsset.search_text, word) > 0)
    for tag in clean_tags(tags):
        statement = statement.where(position(KnowledgeAsset.tag_keys, f"|{tag.casefold()}|") > 0)
    return await paginate(session, statement, KnowledgeAsset.id, first=first, after=after)


@dataclass(frozen=True)
class Similar:
    asset: KnowledgeAsset
    score: float  # cosine similarity to the query, -1 to 1


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.asarray(matrix / np.where(norms == 0, 1, norms), dtype=np.float32)


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController().select(user_api="blas")


_one_blas_thread = Lock()


def _scores(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    """`vectors @ query` on one BLAS thread. OpenBLAS splits a product this size over every core, and on a
    loaded machine its threads wait for one another: 10,000 x 384 took 17 ms p50 and 950 ms p99 at load 9 on
    two cores, 0.19 ms p50 and 40 ms p99 on one thread. Only this product is limited (the embedding model
    and clustering keep theirs); the lock keeps two searches of different threads from restoring each
    other's limit out of order."""
    with _one_blas_thread, _blas().limit(limits=1):
        return np.asarray(vectors @ query)


async def similar_to_vector(
    session: AsyncSession, user: User, model: str, query: np.ndarray, *, first: int
) -> list[Similar]:
    """The assets in the caller's audience closest in meaning to `query` (a vector of `model`)."""
    first = min(check_first(first), MAX_SIMILAR)
    matrix = await shared_vectors().matrix(session, model, int(query.shape[-1]))
    rows = np.flatnonzero(matrix.visible(user))
    if not len(rows):
        return []
    # Every row at once (no copy of the visible ones), then the best `first` of those the caller may see.
    scores = _scores(matrix.vectors, _unit(query.reshape(1, -1))[0])[rows]
    top = np.argpartition(-scores, first - 1)[:first] if len(rows) > first else np.arange(len(rows))
    order = top[np.argsort(-scores[top], kind="stable")]
    best = [(matrix.ids[rows[k]], float(scores[k])) for k in order]
    found = await visible_by_ids(session, user, [asset_id for asset_id, _ in best])
    return [Similar(found[asset_id], score) for asset_id, score in best if asset_id in found]


class QueryVectors:
    """The vectors of the most recent queries (a search repeated, or paged, is not encoded again)."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._vectors: OrderedDict[tuple[str, tuple[str, ...]], np.ndarray] = OrderedDict()
        self._lock = Lock()  # searches of several event loops (threads) share the process-wide one

    def get(self, model: str, texts: tuple[str, ...]) -> np.ndarray | None:
        with self._lock:
            found = self._vectors.get((model, texts))
            if found is not None:
                self._vectors.move_to_end((model, texts))
            return found

    def put(self, model: str, texts: tuple[str, ...], vector: np.ndarray) -> None:
        with self._lock:
            self._vectors[(model, texts)] = vector
            self._vectors.move_to_end((model, texts))
            while len(self._vectors) > self._size:
                self._vectors.popitem(last=False)


query_vectors = QueryVectors()


async def query_vector(embedder: Embedder, texts: tuple[str, ...]) -> np.ndarray:
    """The unit mean vector of `texts` under the embedder's model, from the recent ones when asked before."""
    found = query_vectors.get(embedder.model_name, texts)
    if found is not None:
        return found
    encoded = await vectors.encode(embedder, texts)
    vector: np.ndarray = _unit(np.asarray(encoded.vectors, dtype=np.float32)).mean(axis=0)
    vector.setflags(write=False)
    query_vectors.put(embedder.model_name, texts, vector)
    return vector


async def similar(
    session: AsyncSession, user: User, embedder: Embedder, texts: Sequence[str], *, first: int
) -> list[Similar]:
    """The assets closest in meaning to `texts` (their mean vector): "find playbooks for this problem"."""
    wanted = tuple(" ".join(text.split()) for text in texts if text.strip())
    if not wanted:
        raise BadInput("Say what to look for.")
    if any(len(text) > 4 * MAX_QUERY for text in wanted):
        raise BadInput(f"A text to look for has at most {4 * MAX_QUERY} characters.")
    query = await query_vector(embedder, wanted)
    return await similar_to_vector(session, user, embedder.model_name, query, first=first)
