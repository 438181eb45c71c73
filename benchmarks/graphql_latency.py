"""GraphQL latency: the case view (comments and versions) against the framework floor, in one run.

Seeds a case through the domain layer (a realistic document, 200 versions, 1,000 comments when
the comments feature is present), starts a real server (`python -m server serve`), and sends
sequential requests over one keep-alive connection, alternating a trivial `{ __typename }` (the
floor: HTTP, ASGI, strawberry, JSON) with the case query. Prints p50/p99 of each and the ratio.
Target: case p99 <= 25 ms and <= 5x the floor's p99.

Run it alone: flock /tmp/warroom-bench.lock python benchmarks/graphql_latency.py
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import _args
import httpx
from _served import served
from pycrdt import XmlElement, XmlText

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.domain import users  # noqa: E402
from server.domain.cases import actions as cases  # noqa: E402
from server.domain.documents import store as documents  # noqa: E402
from server.domain.documents.text import body  # noqa: E402
from server.domain.snapshots import actions as snapshots  # noqa: E402
from server.infra import migrate  # noqa: E402 - the repository root must be importable first
from server.infra.db import Database, create_engine  # noqa: E402
from server.models import User, UserRole  # noqa: E402
from server.models.base import utcnow  # noqa: E402

PASSWORD = "benchmark-password"
SENTENCES = [
    "The customer reports checkout failures at peak hours",
    "Payment timeouts started after the gateway upgrade",
    "客户反馈高峰期支付超时，财务需要在周五前确认退款金额",
    "Supply chain can ship the spare terminals next week",
    "研发怀疑网关升级后连接池耗尽",
    "Legal asks whether the recordings may leave the region",
]
FLOOR = "{ __typename }"
SNAPSHOT_FIELDS = "id kind label auto size createdAt restoredFromId author { id name }"


def _has_comments() -> bool:
    try:
        from server.domain.comments import actions as comments  # noqa: F401
    except ImportError:
        return False
    return True


def case_query(with_text: bool, with_comments: bool) -> str:
    comments = (
        "comments(first: 100) { nodes { id body createdAt editedAt resolvedAt author { id name } "
        "anchor { quote startIndex endIndex currentQuote orphaned } "
        "replies { id body createdAt author { id name } } viewerCanEdit viewerCanResolve } "
        "pageInfo { hasNextPage endCursor } }"
        if with_comments
        else ""
    )
    text = " text" if with_text else ""
    return (
        "query CaseView($id: ID!) { case(id: $id) { id title customer myRole "
        f"{comments} snapshots(first: 100) {{ nodes {{ {SNAPSHOT_FIELDS}{text} }} "
        "pageInfo { hasNextPage endCursor } } } }"
    )


class _Offline:
    """LiveDocuments for seeding: no room is open in the seeding process."""

    async def settle(self, case_id: str) -> None:
        return None

    def live_state(self, case_id: str) -> bytes | None:
        return None

    def exclusive(self, case_id: str) -> AbstractAsyncContextManager[None]:
        return contextlib.nullcontext()  # type: ignore[return-value]

    async def apply_update(self, case_id: str, update: bytes, author_id: str | None) -> None:
        raise RuntimeError("the seed does not restore")


async def _append_paragraph(db: Database, case_id: str, author_id: str, text: str) -> None:
    async with db.transaction() as session:
        doc = await documents.load_doc(session, case_id)
        before = doc.get_state()
        with doc.transaction():
            element = body(doc).children.append(XmlElement("paragraph"))
            element.children.append(XmlText(text))
        update = doc.get_update(before)
        await documents.append(session, [documents.NewUpdate(case_id, author_id, update, utcnow())])


async def seed(url: str, *, versions: int, comments: int, paragraphs: int) -> tuple[str, str]:
    """A team, an owner and a case with a document, `versions` snapshots and `comments` comments."""
    db = Database(create_engine(url))
    rng = random.Random(7)
    try:
        async with db.transaction() as session:
            team = await users.get_or_create_team(session, "Bench team")
            owner = await users.create_user(
                session, email="owner@bench.example", name="Owner", role=UserRole.MEMBER,
                password=PASSWORD, team=team,
            )  # fmt: skip
            case = await cases.create_case(session, owner, title="Checkout failures", customer="ACME")
        owner_id, case_id = owner.id, case.id
        for i in range(paragraphs):
            await _append_paragraph(db, case_id, owner_id, f"{i}. {rng.choice(SENTENCES)}")
        offline = _Offline()
        for k in range(versions):
            await _append_paragraph(db, case_id, owner_id, f"Revision {k}: {rng.choice(SENTENCES)}")
            async with db.transaction() as session:
                user = await session.get(User, owner_id)
                assert user is not None
                if k % 5 == 0:
                    await snapshots.create_named(session, offline, user, case_id, f"Version {k}")
                else:
                    await snapshots.take_auto(
                        session, case_id, reason=snapshots.AutoReason.SHUTDOWN, policy=snapshots.AutoPolicy()
                    )
        if comments:
            await _seed_comments(db, owner_id, case_id, comments, rng)
        return case_id, "owner@bench.example"
    finally:
        await db.dispose()


async def _seed_comments(db: Database, owner_id: str, case_id: str, count: int, rng: random.Random) -> None:
    """`count` comments as people leave them: most threads anchored on a passage of the document, some
    about the whole case, a fifth of them replies."""
    from server.domain.comments import actions as comments
    from server.domain.comments import anchors  # present once the comments feature is in the tree

    async with db.sessions() as session:
        resolver = anchors.AnchorResolver(await documents.load_doc(session, case_id))
    text = resolver.text
    roots: list[str] = []
    for i in range(count):
        body = f"Comment {i}: {rng.choice(SENTENCES)}"
        async with db.transaction() as session:
            user = await session.get(User, owner_id)
            assert user is not None
            if roots and i % 5 == 4:
                await comments.reply(session, user, comment_id=rng.choice(roots), body=body)
                continue
            anchor = None
            if i % 4:
                start = rng.randrange(0, max(1, len(text) - 20))
                while start < len(text) and text[start] == "\n":
                    start += 1
                line_end = text.find("\n", start)
                stop = min(len(text) if line_end < 0 else line_end, start + rng.randint(4, 20))
                if stop > start:
                    anchor = anchors.anchor_at(resolver, start=start, end=stop, quote=text[start:stop])
            change = await comments.add_comment(session, user, case_id=case_id, body=body, anchor=anchor)
            roots.append(change.comment.id)


def server(url: str, workdir: Path) -> AbstractAsyncContextManager[str]:
    env = {
        **os.environ,
        "WARROOM_DATABASE_URL": url,
        "WARROOM_DATA_DIR": str(workdir),
        "WARROOM_JOBS": "inprocess",
        "WARROOM_EMBEDDING_WARMUP": "0",  # no model load competing with the measured requests
    }
    return served(env, workdir / "server.log")


async def _wait_quiet(limit: float) -> None:
    """Benchmarks share the machine with other work: wait (up to `limit` s) for a quiet moment."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if os.getloadavg()[0] < 1.0:
            return
        await asyncio.sleep(5)


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(
    base: str, email: str, case_id: str, queries: dict[str, str], rounds: int
) -> dict[str, list[float]]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
        token = (
            await client.post("/graphql", json={"query": login, "variables": {"e": email, "p": PASSWORD}})
        ).json()
        headers = {"authorization": f"Bearer {token['data']['login']['token']}"}
        variables = {"id": case_id}

        async def once(query: str) -> float:
            started = time.perf_counter()
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            elapsed = time.perf_counter() - started
            body = response.json()
            if response.status_code != 200 or body.get("errors"):
                raise RuntimeError(f"query failed: {response.status_code} {str(body)[:300]}")
            return elapsed

        for query in queries.values():  # warm up caches, connections and the JIT-less interpreter alike
            for _ in range(20):
                await once(query)
        samples: dict[str, list[float]] = {name: [] for name in queries}
        for _ in range(rounds):
            for name, query in queries.items():  # interleaved: every query sees the same machine
                samples[name].append(await once(query))
        return samples


def report(samples: dict[str, list[float]], sizes: dict[str, int]) -> None:
    floor = samples["floor"]
    floor_p50, floor_p99 = _percentile(floor, 0.5), _percentile(floor, 0.99)
    columns = (
        ("p50 ms", 9),
        ("p99 ms", 9),
        ("mean ms", 9),
        ("p50/floor", 11),
        ("p99/floor", 11),
        ("bytes", 10),
    )
    print(f"{'query':<28}" + "".join(f"{title:>{width}}" for title, width in columns))
    for name, values in samples.items():
        p50, p99 = _percentile(values, 0.5), _percentile(values, 0.99)
        print(
            f"{name:<28}{p50 * 1000:>9.2f}{p99 * 1000:>9.2f}{statistics.mean(values) * 1000:>9.2f}"
            f"{p50 / floor_p50:>11.2f}{p99 / floor_p99:>11.2f}{sizes.get(name, 0):>10}"
        )


async def main() -> None:
    parser = _args.parser(__doc__)
    _args.database_url(parser, "default: a fresh SQLite file in a temporary directory")
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--versions", type=int, default=200)
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--paragraphs", type=int, default=60)
    _args.wait_quiet(
        parser, help="first wait up to this long for the machine's 1-minute load to drop below 1"
    )
    args = parser.parse_args()
    await _wait_quiet(args.wait_quiet)
    with_comments = _has_comments()
    if not with_comments:
        print("note: this tree has no comments feature yet: the case query measures versions only")
    with tempfile.TemporaryDirectory(prefix="warroom-bench-") as tmp:
        workdir = Path(tmp)
        url = args.database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        started = time.perf_counter()
        case_id, email = await seed(
            url,
            versions=args.versions,
            comments=args.comments if with_comments else 0,
            paragraphs=args.paragraphs,
        )
        print(f"seeded in {time.perf_counter() - started:.1f} s: {args.versions} versions, "
              f"{args.comments if with_comments else 0} comments, {args.paragraphs} paragraphs; "
              f"database {url.split(':')[0]}")  # fmt: skip
        queries = {
            "floor": FLOOR,
            "case view": case_query(with_text=False, with_comments=with_comments),
            "case view + version texts": case_query(with_text=True, with_comments=with_comments),
        }
        async with server(url, workdir) as base:
            async with httpx.AsyncClient(base_url=base) as client:
                sizes = {}
                login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"
                token = (
                    await client.post(
                        "/graphql", json={"query": login, "variables": {"e": email, "p": PASSWORD}}
                    )
                ).json()["data"]["login"]["token"]
                for name, query in queries.items():
                    response = await client.post(
                        "/graphql", json={"query": query, "variables": {"id": case_id}},
                        headers={"authorization": f"Bearer {token}"},
                    )  # fmt: skip
                    sizes[name] = len(response.content)
            load_before = os.getloadavg()[0]
            samples = await measure(base, email, case_id, queries, args.rounds)
            load_after = os.getloadavg()[0]
    print(f"{args.rounds} rounds, sequential, one keep-alive connection to `python -m server serve`")
    print(f"machine load (1-minute average, 2 cores): {load_before:.2f} before, {load_after:.2f} after")
    report(samples, sizes)
    case = samples["case view"]
    p99, floor_p99 = _percentile(case, 0.99), _percentile(samples["floor"], 0.99)
    verdict = "meets" if p99 <= 0.025 and p99 <= 5 * floor_p99 else "MISSES"
    ratio = p99 / floor_p99
    print(
        f"case view p99 {p99 * 1000:.1f} ms, {ratio:.1f}x the floor: {verdict} the target (<= 25 ms, <= 5x)"
    )


if __name__ == "__main__":
    asyncio.run(main())
