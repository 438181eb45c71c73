"""Case search and its searchable text: query latency over many cases, and what keeping the text costs.

Run: `flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/case_search.py [--postgres] [--cases N]`

Two people share N cases: one is a member of every tenth, the other of the rest. Each case has a title, a
customer and about 4 kB of mixed Chinese and English text in `doc_texts`; each search asks for the first page
(50) as the case list does, median of 5. Then: the cost of the activity listener per durable update (all the
live persist path pays) and of reading the plain text of documents of 100, 1,000 and 5,000 paragraphs (what
the indexing job does off the event loop, in a child process).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
import uuid
from typing import Any

import _args
from _postgres import admin
from pycrdt import Doc, XmlElement, XmlText
from sqlalchemy import insert

from server.domain import users
from server.domain.cases import listing
from server.domain.documents.search_text import TextIndexScheduler
from server.domain.documents.text import body, state_text
from server.infra import migrate
from server.infra.db import Database, create_engine
from server.infra.ids import new_id
from server.models import Case, CaseMember, DocText, UserRole
from server.models.base import utcnow

PHRASES = (
    "客户要求远程诊断", "产线升级计划", "付款条款需要法务确认", "设备频繁停机", "运费报价待核对",
    "续约风险评估", "vendor sign-off pending", "renewal discount review", "MES integration",
    "budget approved in Q3", "现场工程师排期",
)  # fmt: skip
# Common words (in most documents), a rare one (one case) and one found nowhere.
SEARCHES = ("远程诊断", "vendor SIGN-off", "MES", "故障处置", "故障", "nothing-like-this")


async def _fill(db: Database, count: int) -> tuple[Any, Any]:
    rnd = random.Random(1)
    async with db.transaction() as session:
        team = await users.get_or_create_team(session, "Bench")
        few = await users.create_user(
            session,
            email="few@bench.test",
            name="Few",
            role=UserRole.MEMBER,
            password="bench-password",
            team=team,
        )
        many = await users.create_user(
            session,
            email="many@bench.test",
            name="Many",
            role=UserRole.MEMBER,
            password="bench-password",
            team=team,
        )
    now = utcnow()
    cases, members, texts = [], [], []
    for i in range(count):
        case_id = new_id()
        owner = few if i % 10 == 0 else many
        cases.append({"id": case_id, "title": f"项目 {i} {rnd.choice(PHRASES)}", "customer": f"客户{i % 300}",
                      "team_id": team.id, "created_by": owner.id, "created_at": now})  # fmt: skip
        members.append({"case_id": case_id, "user_id": owner.id, "role": "owner", "added_at": now})
        text = "\n".join(f"{rnd.choice(PHRASES)} {rnd.randint(0, 10**6)}" for _ in range(150))
        if i == count - 7:
            text += "\n手术室紧急故障处置"
        texts.append({"case_id": case_id, "text": text, "position": 1, "updated_at": now})
    async with db.transaction() as session:
        for start in range(0, count, 2000):
            await session.execute(insert(Case), cases[start : start + 2000])
            await session.execute(insert(CaseMember), members[start : start + 2000])
            await session.execute(insert(DocText), texts[start : start + 2000])
    return few, many


async def _searches(url: str, count: int) -> None:
    db = Database(create_engine(url))
    try:
        few, many = await _fill(db, count)
        if url.startswith("postgresql"):
            async with (
                db.engine.begin() as conn
            ):  # committed: ANALYZE's statistics roll back with a transaction
                await conn.exec_driver_sql("ANALYZE")
        print(f"{count} cases; 'few' is a member of {count // 10}, 'many' of {count - count // 10}")
        for who, user in (("few", few), ("many", many)):
            for query in SEARCHES:
                times = []
                async with db.sessions() as session:
                    for _ in range(5):
                        started = time.perf_counter()
                        wanted = listing.filters(query=query)
                        page = await listing.list_cases(session, user, wanted, first=50, after=None)
                        times.append(time.perf_counter() - started)
                median = statistics.median(times) * 1000
                print(f"  {who:5} {query!r:22} {len(page.items):3} found  {median:8.1f} ms")
    finally:
        await db.dispose()


class _Queue:
    asked = 0

    def enqueue_soon(self, *_args: Any, **_kwargs: Any) -> None:
        self.asked += 1


def _listener() -> None:
    queue = _Queue()
    scheduler = TextIndexScheduler(queue, 5.0)  # type: ignore[arg-type]  # only enqueue_soon is called
    ids = [f"case-{i}" for i in range(100)]
    calls = 200_000
    started = time.perf_counter()
    for i in range(calls):
        scheduler(ids[i % 100], "author")
    per_call = (time.perf_counter() - started) / calls * 1e6
    print(f"activity listener: {per_call:.2f} µs per durable update ({queue.asked} jobs asked for)")


def _plain_text() -> None:
    for paragraphs in (100, 1000, 5000):
        doc: Doc[Any] = Doc()
        with doc.transaction():
            for i in range(paragraphs):
                block = body(doc).children.append(XmlElement("paragraph"))
                block.children.append(
                    XmlText(f"第{i}段：手术室紧急故障处置，客户要求远程诊断 and vendor sign-off")
                )
        state = doc.get_update()
        times = []
        for _ in range(5):
            started = time.perf_counter()
            state_text(state)
            times.append(time.perf_counter() - started)
        size = len(state) // 1024
        print(f"plain text of {paragraphs} paragraphs ({size} kB): {statistics.median(times) * 1000:.1f} ms")


def main() -> None:
    parser = _args.parser(__doc__)
    parser.add_argument("--cases", type=int, default=20_000)
    _args.postgres(parser)
    args = parser.parse_args()
    if args.postgres:
        name = f"warroom_bench_{uuid.uuid4().hex[:8]}"
        url = f"postgresql+asyncpg://postgres@127.0.0.1/{name}"
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
        try:
            migrate.upgrade(url)
            asyncio.run(_searches(url, args.cases))
        finally:
            asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            migrate.upgrade(url)
            asyncio.run(_searches(url, args.cases))
    _listener()
    _plain_text()


if __name__ == "__main__":
    main()
