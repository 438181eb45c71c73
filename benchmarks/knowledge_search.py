"""Knowledge assets: search latency over many assets (words and meaning) and the time to publish a long case.

Run: `flock /tmp/warroom-bench.lock nice .venv/bin/python benchmarks/knowledge_search.py [--assets N]
[--backend sqlite|postgres|both]`

N assets (10,000 by default) of one team, half TEAM and half ORGANIZATION, each with a title, tags and about
2 kB of mixed Chinese and English published text, and a vector of the pain-point model's size (random: the
ranking's cost depends on how many vectors there are, not what they hold). A second team's person searches
too (they see the ORGANIZATION half). Each search is asked 40 times; p50 and p99 are reported. The meaning
search is timed as ranking alone (the query's vector given), through `search.similar` (the query's vector
from the recent ones after the first run), and the encoding of each query by the real model on its own.
The first meaning search of a process is reported apart (the whole matrix read, each language's first
encoding): in this process, as a server without the start-up warm-up finds it (the model loaded, nothing
else), and through a real `python -m server serve` with its warm-up (`server/warmup.py`) once `/metrics`
says it ended, beside 40 searches of new texts of each language and 40 of the same text, over HTTP. Then a
50-page case (1,500 paragraphs, ~150k characters, with phone numbers and e-mails to mask) is published end
to end: owner check, redaction of the Yjs document, the vector, the write; after each publish the first
meaning search is timed (it puts the new vector in place) and the script counts whole-matrix reads.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from _postgres import admin
from _served import served
from pycrdt import Doc, XmlElement, XmlText
from sqlalchemy import insert

from server.app import OFFLOADED
from server.clustering import shared_embedder
from server.domain import users
from server.domain.cases import actions as cases
from server.domain.documents.text import body, state_text
from server.domain.knowledge import publishing, search
from server.domain.knowledge.vector_cache import shared_vectors
from server.domain.painpoints import vectors
from server.infra import migrate, offload
from server.infra.db import Database, create_engine
from server.infra.ids import new_id
from server.models import AssetAudience, Case, KnowledgeAsset, Snapshot, SnapshotKind, User, UserRole
from server.models.base import utcnow

PHRASES = (
    "手术室紧急故障处置", "冷链运输温控", "经销商返利核算", "设备频繁停机", "备件调拨", "客户投诉升级",
    "warehouse returns", "renewal discount review", "MES integration", "field service dispatch",
    "invoice dispute", "tender qualification files",
)  # fmt: skip
WORD_SEARCHES = ("故障处置", "冷链 温控", "MES integration", "tender", "nothing-like-this")
MEANING_SEARCHES = ("手术室的设备突然停电了怎么办", "a customer shipped back a broken item")
RUNS = 40
PASSWORD = "bench-password"
SIMILAR = "query($t: String!) { similarKnowledgeAssets(text: $t, first: 10) { score } }"


def _percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


async def _timed(runs: int, call: Callable[[], Awaitable[Any]]) -> tuple[float, float, Any]:
    times: list[float] = []
    result: Any = None
    for _ in range(runs):
        started = time.perf_counter()
        result = await call()
        times.append(time.perf_counter() - started)
    p50, p99 = _percentiles(times)
    return p50, p99, result


async def _people(db: Database) -> tuple[User, User]:
    async with db.transaction() as session:
        home = await users.get_or_create_team(session, "Bench A")
        away = await users.get_or_create_team(session, "Bench B")
        author = await users.create_user(
            session,
            email="a@bench.test",
            name="A",
            role=UserRole.MEMBER,
            password=PASSWORD,
            team=home,
        )
        reader = await users.create_user(
            session,
            email="b@bench.test",
            name="B",
            role=UserRole.MEMBER,
            password=PASSWORD,
            team=away,
        )
    return author, reader


async def _first_searches(db: Database, user: User) -> None:
    """This process's first meaning searches: the model is loaded (as a server's was before the warm-up
    read the vectors and encoded), the vectors never read, no query encoded."""
    embedder = shared_embedder(None)
    times = []
    for query in MEANING_SEARCHES:
        async with db.sessions() as session:
            started = time.perf_counter()
            await search.similar(session, user, embedder, [query], first=10)
            times.append(time.perf_counter() - started)
    print(
        "  first meaning searches of a process without the warm-up (model loaded): "
        + ", ".join(
            f"{query[:12]!r} {t * 1000:.1f} ms" for query, t in zip(MEANING_SEARCHES, times, strict=True)
        )
    )


async def _served_searches(url: str, reader: User) -> None:
    """A fresh `serve` on the database: its warm-up, then its first meaning searches, then 40 of each."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "WARROOM_DATABASE_URL": url, "WARROOM_DATA_DIR": tmp,
               "WARROOM_LOG_LEVEL": "warning", "WARROOM_JOBS": "inprocess"}  # fmt: skip
        env.pop("WARROOM_EMBEDDING_WARMUP", None)  # its default under `serve`: on
        async with served(env, Path(tmp) / "server.log") as base, httpx.AsyncClient(base_url=base) as http:
            started = time.monotonic()
            while True:
                lines = dict(
                    line.split() for line in (await http.get("/metrics")).text.splitlines() if line[:1] != "#"
                )
                if lines.get("warroom_warm_up_done") == "1":
                    break
                if time.monotonic() - started > 300:
                    raise RuntimeError("the warm-up did not end within 300 s")
                await asyncio.sleep(0.2)
            login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
            answer = (
                await http.post(
                    "/graphql", json={"query": login, "variables": {"e": reader.email, "p": PASSWORD}}
                )
            ).json()
            headers = {"authorization": f"Bearer {answer['data']['login']['token']}"}

            async def ask(query: str) -> None:
                body = (
                    await http.post(
                        "/graphql", json={"query": SIMILAR, "variables": {"t": query}}, headers=headers
                    )
                ).json()
                assert not body.get("errors"), body

            firsts = []
            for query in MEANING_SEARCHES:
                begun = time.perf_counter()
                await ask(query)
                firsts.append(time.perf_counter() - begun)
            warm_up = float(lines["warroom_warm_up_seconds"])
            print(
                f"  fresh server, warm-up {warm_up:.1f} s (readiness did not wait); "
                "first meaning searches over HTTP: "
                + ", ".join(
                    f"{query[:12]!r} {t * 1000:.1f} ms"
                    for query, t in zip(MEANING_SEARCHES, firsts, strict=True)
                )
            )
            for query in MEANING_SEARCHES:
                # New texts each time (encoded, as the first was), then the first again (its vector kept).
                texts = iter(f"{query} {i}" for i in range(RUNS))

                async def new_text(texts: Any = texts) -> None:
                    await ask(next(texts))

                async def again(query: str = query) -> None:
                    await ask(query)

                n50, n99, _ = await _timed(RUNS, new_text)
                p50, p99, _ = await _timed(RUNS, again)
                print(
                    f"  fresh server, then {query[:20]!r:22} over HTTP: a new text p50 {n50:7.1f} ms  p99 "
                    f"{n99:7.1f} ms; the same text again p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
                )


async def _fill(db: Database, author: User, count: int, model: str, dimension: int) -> None:
    rnd = random.Random(1)
    rng = np.random.default_rng(1)
    now = utcnow()
    case_rows, asset_rows = [], []
    for i in range(count):
        case_id = new_id()
        case_rows.append({"id": case_id, "title": f"案例 {i}", "customer": f"客户{i % 300}",
                          "team_id": author.team_id, "created_by": author.id, "created_at": now})  # fmt: skip
        title = f"{rnd.choice(PHRASES)} playbook {i}"
        tags = [rnd.choice(PHRASES)[:8]]
        text = "\n".join(f"{rnd.choice(PHRASES)} {rnd.randint(0, 10**6)}" for _ in range(100))
        vector = rng.standard_normal(dimension).astype(np.float32)
        asset_rows.append({
            "id": new_id(), "team_id": author.team_id, "case_id": case_id,
            "audience": (AssetAudience.TEAM if i % 2 else AssetAudience.ORGANIZATION).value,
            "title": title, "summary": "", "tags": tags, "tag_keys": publishing.tag_keys(tags), "version": 1,
            "search_text": "\n".join([title, " ".join(tags), text]).lower(), "embedding_model": model,
            "embedding": vectors.to_bytes(vector / np.linalg.norm(vector)), "created_by": author.id,
            "created_at": now, "updated_at": now,
        })  # fmt: skip
    async with db.transaction() as session:
        for start in range(0, count, 1000):
            await session.execute(insert(Case), case_rows[start : start + 1000])
            await session.execute(insert(KnowledgeAsset), asset_rows[start : start + 1000])


def _long_case_state() -> bytes:
    doc: Doc[Any] = Doc()
    with doc.transaction():
        for i in range(1500):
            tag = "heading" if i % 30 == 0 else "paragraph"
            block = body(doc).children.append(XmlElement(tag, {"level": 2} if tag == "heading" else {}))
            block.children.append(
                XmlText(
                    f"第{i}段：手术室紧急故障处置，联系华西医院李工 1381234{i:04d} 或 li{i}@huaxi.cn, "
                    "then escalate to the field engineer within two hours."
                )
            )
    return doc.get_update()


async def _publish_long_case(db: Database, author: User) -> None:
    state = _long_case_state()
    text = state_text(state)
    async with db.transaction() as session:
        owner = await session.get(User, author.id)
        assert owner is not None
        case = await cases.create_case(session, owner, title="50-page case", customer="华西医院")
        snapshot = Snapshot(case_id=case.id, kind=SnapshotKind.NAMED, label="v1", author_id=owner.id,
                            position=1, size=len(state), state=state, text=text)  # fmt: skip
        session.add(snapshot)
        await session.flush()
        draft = publishing.Draft(case.id, snapshot.id, "手术室紧急故障处置SOP", "50 pages", ["SOP"])
    embedder = shared_embedder(None)
    times, firsts = [], []
    reads = shared_vectors().full_reads
    for _ in range(3):
        started = time.perf_counter()
        await publishing.publish(
            db, author, draft, audience=AssetAudience.TEAM, change_note="bench", embedder=embedder
        )
        times.append(time.perf_counter() - started)
        vector = (await vectors.encode(embedder, ["手术室紧急故障处置"])).vectors[0]
        async with db.sessions() as session:
            started = time.perf_counter()
            found = await search.similar_to_vector(session, author, embedder.model_name, vector, first=10)
            firsts.append(time.perf_counter() - started)
        assert any(item.asset.title == "手术室紧急故障处置SOP" for item in found)
    print(
        f"  publish a 50-page case ({len(text):,} characters, {len(state) // 1024} kB state): "
        f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms (3 versions)"
    )
    print(
        f"  first meaning search after each publish: {', '.join(f'{t * 1000:.1f}' for t in firsts)} ms; "
        f"whole-matrix reads: {shared_vectors().full_reads - reads}"
    )


async def _run(url: str, count: int) -> None:
    offload.start(OFFLOADED)  # as a server does at startup
    db = Database(create_engine(url))
    embedder = shared_embedder(None)
    try:
        author, reader = await _people(db)
        await _fill(db, author, count, embedder.model_name, embedder.dimension)
        if url.startswith("postgresql"):
            # What autovacuum does after a bulk load (it runs after 1,000 + 20% inserts): without the
            # visibility map, the vector cache's one cheap question (count, sum of versions, newest) reads
            # every row instead of its index (18 ms instead of 0.9 ms for 10,000 assets).
            async with db.engine.connect() as conn:
                autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.exec_driver_sql("VACUUM ANALYZE")
        print(f"{count:,} assets; the author's team sees all, the other team {count // 2:,}")
        await _first_searches(db, reader)
        for who, user in (("author", author), ("other team", reader)):
            for query in WORD_SEARCHES:
                async with db.sessions() as session:

                    async def words(session: Any = session, user: User = user, query: str = query) -> Any:
                        return await search.search(session, user, query=query, tags=[], first=20, after=None)

                    p50, p99, page = await _timed(RUNS, words)
                found = len(page.items)
                print(
                    f"  words   {who:10} {query!r:22} {found:3} found  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
                )
            for query in MEANING_SEARCHES:
                vector = (await vectors.encode(embedder, [query])).vectors[0]
                async with db.sessions() as session:

                    async def rank(session: Any = session, user: User = user, vector: Any = vector) -> Any:
                        return await search.similar_to_vector(
                            session, user, embedder.model_name, vector, first=10
                        )

                    async def encode_and_rank(
                        session: Any = session, user: User = user, query: str = query
                    ) -> Any:
                        return await search.similar(session, user, embedder, [query], first=10)

                    async def encode_only(query: str = query) -> Any:
                        return await vectors.encode(embedder, [query])

                    p50, p99, _ = await _timed(RUNS, rank)
                    e50, e99, _ = await _timed(RUNS, encode_and_rank)
                    c50, c99, _ = await _timed(RUNS, encode_only)
                print(f"  meaning {who:10} {query[:20]!r:22} rank p50 {p50:7.1f} ms  p99 {p99:7.1f} ms; "
                      f"similar() p50 {e50:7.1f} ms  p99 {e99:7.1f} ms; "
                      f"encoding alone p50 {c50:7.1f} ms  p99 {c99:7.1f} ms")  # fmt: skip
        await _served_searches(url, reader)
        await _publish_long_case(db, author)
    finally:
        await db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        print("SQLite")
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            migrate.upgrade(url)
            asyncio.run(_run(url, args.assets))
    if args.backend in ("postgres", "both"):
        print("PostgreSQL")
        name = f"warroom_bench_{uuid.uuid4().hex[:8]}"
        url = f"postgresql+asyncpg://postgres@127.0.0.1/{name}"
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
        try:
            migrate.upgrade(url)
            asyncio.run(_run(url, args.assets))
        finally:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    try:
        main()
    finally:
        offload.shutdown(wait=True)
