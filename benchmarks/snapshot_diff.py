"""How long `snapshotDiff` takes, from adjacent versions to a whole session's history.

Stores the editing session of `snapshot_storage.py` (20,000 keystroke updates, 4 authors switching
now and then) in a fresh SQLite database with an automatic snapshot every 200 updates, then times
the domain diff — text diff plus crediting each change by replaying the update log — over growing
ranges.

Usage: flock /tmp/warroom-bench.lock python benchmarks/snapshot_diff.py [--updates 20000]
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

import _args

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from graphql_latency import _Offline  # noqa: E402 - benchmarks/ is on the path only now
from snapshot_storage import simulate  # noqa: E402

from server.domain import users  # noqa: E402
from server.domain.cases import actions as cases  # noqa: E402
from server.domain.documents import store as documents  # noqa: E402
from server.domain.snapshots import actions as snapshots  # noqa: E402
from server.domain.snapshots import diff as snapshot_diff  # noqa: E402
from server.infra import migrate  # noqa: E402
from server.infra.db import Database, create_engine  # noqa: E402
from server.models import UserRole  # noqa: E402
from server.models.base import utcnow  # noqa: E402


async def main() -> None:
    parser = _args.parser(__doc__)
    _args.updates(parser, 20_000)
    args = parser.parse_args()
    session, taken = simulate(args.updates, seed=1)
    with tempfile.TemporaryDirectory(prefix="warroom-diff-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'diff.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        db = Database(create_engine(url))
        async with db.transaction() as s:
            team = await users.get_or_create_team(s, "Bench")
            people = [
                await users.create_user(
                    s,
                    email=f"p{i}@bench.example",
                    name=f"P{i}",
                    role=UserRole.MEMBER,
                    password="benchmark",
                    team=team,
                )
                for i in range(4)
            ]
            case = await cases.create_case(s, people[0], title="Diff", customer="ACME")
        rng = random.Random(1)
        author, stored, ids = people[0].id, 0, []
        for *_kinds, position in taken:
            rows = []
            for update in session.log[stored:position]:
                if rng.random() < 0.05:  # authors take turns: a run of ~20 keystrokes each
                    author = rng.choice(people).id
                rows.append(documents.NewUpdate(case.id, author, update, utcnow()))
            async with db.transaction() as s:
                await documents.append(s, rows)
            stored = position
            async with db.transaction() as s:
                snapshot = await snapshots.take_auto(
                    s, case.id, reason=snapshots.AutoReason.SHUTDOWN, policy=snapshots.AutoPolicy()
                )
                assert snapshot is not None
                ids.append(snapshot.id)
        if len(ids) < 2:
            parser.error(f"--updates {args.updates} makes {len(ids)} version; a diff needs two (400 updates)")
        ranges = [
            ("adjacent versions", ids[-2], ids[-1]),
            *([("10 versions apart", ids[-11], ids[-1])] if len(ids) > 10 else []),
            ("half the session", ids[len(ids) // 2], ids[-1]),
            ("first to last version", ids[0], ids[-1]),
            ("first version to live", ids[0], None),
        ]
        print(f"{len(session.log)} updates, {len(ids)} versions, SQLite")
        print(f"{'range':<24}{'updates':>9}{'ms':>9}{'changes':>9}  credited")
        for label, source, target in ranges:
            started = time.perf_counter()
            async with db.sessions() as s:
                result = await snapshot_diff.diff(s, _Offline(), people[0], source, target)
            elapsed = (time.perf_counter() - started) * 1000
            end = result.target.position if result.target else len(session.log)
            between = end - result.source.position
            print(f"{label:<24}{between:>9}{elapsed:>9.0f}{len(result.diff.changes):>9}  {result.credited}")
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
