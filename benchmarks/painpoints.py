"""Pain points end to end: submitted through the API of a real server until placed into clusters, and a
full re-clustering of 10k cached embeddings through the job path (read, cluster, store the run).

Run alone (two benchmarks at once halve each other's figures):
    flock /tmp/warroom-bench.lock .venv/bin/python benchmarks/painpoints.py [--databases sqlite,postgres]

Targets (2 cores): 100 new pain points placed into clusters <= 2 s after submission; clustering 10k cached
embeddings <= 10 s (benchmarks/clustering.py measures the pure pipeline; here the job adds the database).

Submission: a `python -m server serve` process; the labelled set (332 texts) is submitted and clustered
first (reclusterPainPoints, waited for through job(id)), one warm-up submission loads the model, then:
(a) 100 new pain points in one submitPainPoints call, 5 times; (b) 100 submitPainPoint calls, 10 at a
time, 3 times. "Placed" is when the response is back: the memberships are written in the submit
transaction, which the benchmark checks in the database after each round (not timed).

Job path: 10k pain points with cached vectors (synthesised from the labelled set's embeddings: a random
point between two texts of the same theme plus noise), stored under the default model's name, inserted
directly; `cluster_pain_points` is then run in this process, once to warm numba/imports on a small team
and once on the 10k team, with its stages timed.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import _args
import httpx
import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _painpoints_server import PASSWORD, Api, Scratch, server  # noqa: E402 - benchmarks/ is on sys.path
from _report import table, wait_quiet  # noqa: E402 - benchmarks/ is on sys.path

from server.clustering import shared_embedder  # noqa: E402
from server.domain import users  # noqa: E402
from server.domain.cases import actions as cases  # noqa: E402
from server.domain.clusters import runs as cluster_runs  # noqa: E402
from server.domain.job_registry import REGISTRY  # noqa: E402
from server.domain.painpoints.config import PainPointConfig  # noqa: E402
from server.domain.painpoints.jobs import cluster_pain_points  # noqa: E402
from server.domain.painpoints.vectors import to_bytes  # noqa: E402
from server.infra.config import Settings  # noqa: E402
from server.infra.db import Database, create_engine  # noqa: E402
from server.infra.ids import new_id  # noqa: E402
from server.infra.job_context import JobContext  # noqa: E402
from server.infra.job_queues import InProcessJobs  # noqa: E402
from server.models import (  # noqa: E402
    ClusterMembership,
    ClusterRun,
    PainPoint,
    PainPointEmbedding,
    PainPointStatus,
    UserRole,
)

LABELLED = ROOT / "tests" / "data" / "painpoints_labelled.jsonl"

SUBMIT_MANY = "mutation($i: [PainPointInput!]!) { submitPainPoints(inputs: $i) { ... on PainPoint { id } } }"
SUBMIT = "mutation($i: PainPointInput!) { submitPainPoint(input: $i) { ... on PainPoint { id } } }"
RECLUSTER = "mutation { reclusterPainPoints { jobId } }"
JOB = "query($id: ID!) { job(id: $id) { status error } }"
CREATE_CASE = 'mutation { createCase(input: {title: "Bench", customer: "ACME"}) { id } }'


def _rows() -> list[dict[str, str]]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]


async def _people(db: Database) -> tuple[str, str, str]:
    """An R&D person and a case owner in one team; returns (rd email, owner email, owner id)."""
    async with db.transaction() as session:
        team = await users.get_or_create_team(session, "Bench")
        await users.create_user(
            session, email="rd@bench.test", name="RD", role=UserRole.RD, password=PASSWORD, team=team
        )
        owner = await users.create_user(
            session,
            email="owner@bench.test",
            name="Owner",
            role=UserRole.MEMBER,
            password=PASSWORD,
            team=team,
        )
    return "rd@bench.test", "owner@bench.test", owner.id


async def _placed(db: Database, ids: list[str]) -> int:
    """How many of `ids` have a membership in their team's current run (clustered or not)."""
    async with db.sessions() as session:
        run = (
            await session.execute(select(ClusterRun).order_by(ClusterRun.created_at.desc()).limit(1))
        ).scalar_one()
        placed = await session.scalar(
            select(func.count()).where(
                ClusterMembership.run_id == run.id, ClusterMembership.pain_point_id.in_(ids)
            )
        )
    return int(placed or 0)


async def bench_submission(url: str, workdir: Path, rounds: int) -> dict[str, Any]:
    """Seconds from submitting 100 pain points through the API until they are placed."""
    db = Database(create_engine(url))
    rd_email, owner_email, _ = await _people(db)
    rows = _rows()
    rng = np.random.default_rng(5)
    figures: dict[str, Any] = {}
    async with server(url, workdir) as base, httpx.AsyncClient(base_url=base, timeout=120) as client:
        api = Api(client)
        rd, owner = await api.login(rd_email), await api.login(owner_email)
        case_id = (await api.data(CREATE_CASE, token=owner))["createCase"]["id"]
        start = time.perf_counter()
        await api.data(
            SUBMIT, {"i": {"caseId": case_id, "text": "Warm-up: the invoice PDF will not open"}}, owner
        )
        figures["cold_first_submit_s"] = time.perf_counter() - start
        start = time.perf_counter()
        await api.data(SUBMIT_MANY, {"i": [{"caseId": case_id, "text": r["text"]} for r in rows]}, owner)
        figures["seed_332_s"] = time.perf_counter() - start
        start = time.perf_counter()
        job_id = (await api.data(RECLUSTER, token=rd))["reclusterPainPoints"]["jobId"]
        await _finished(api, rd, job_id)
        figures["first_recluster_s"] = time.perf_counter() - start

        async def batch() -> list[dict[str, str]]:
            # A fresh case each round (duplicates are looked for within a case), 100 distinct labelled
            # texts with a random ticket reference, so every one is new.
            fresh = (await api.data(CREATE_CASE, token=owner))["createCase"]["id"]
            chosen = rng.choice(len(rows), 100, replace=False)
            return [
                {"caseId": fresh, "text": f"{rows[i]['text']} (ticket {rng.integers(10**5, 10**6)})"}
                for i in chosen
            ]

        one_call: list[float] = []
        for _ in range(rounds):
            items = await batch()
            start = time.perf_counter()
            results = (await api.data(SUBMIT_MANY, {"i": items}, owner))["submitPainPoints"]
            one_call.append(time.perf_counter() - start)
            ids = [r["id"] for r in results if r]
            assert await _placed(db, ids) == len(ids), "not placed when the response came back"
        figures["batch"] = one_call

        singles: list[float] = []
        latencies: list[float] = []
        for _ in range(max(1, rounds // 2 + 1)):
            items = await batch()
            start = time.perf_counter()
            ids = await _one_by_one(api, owner, items, latencies)
            singles.append(time.perf_counter() - start)
            assert await _placed(db, ids) == len(ids), "not placed when the responses came back"
        figures["singles"] = singles
        figures["single_latency"] = latencies
    await db.dispose()
    return figures


async def _finished(api: Api, token: str, job_id: str) -> None:
    for _ in range(3000):
        job = (await api.data(JOB, {"id": job_id}, token))["job"]
        if job["status"] in ("SUCCEEDED", "FAILED"):
            assert job["status"] == "SUCCEEDED", job
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"job {job_id} did not finish")


async def _one_by_one(api: Api, token: str, items: list[dict[str, str]], latencies: list[float]) -> list[str]:
    """submitPainPoint per item, 10 requests in flight; returns the stored ids."""
    gate = asyncio.Semaphore(10)

    async def one(item: dict[str, str]) -> str:
        async with gate:
            began = time.perf_counter()
            result = (await api.data(SUBMIT, {"i": item}, token))["submitPainPoint"]
            latencies.append(time.perf_counter() - began)
            return str(result.get("id", ""))

    return [i for i in await asyncio.gather(*(one(item) for item in items)) if i]


def _stages(seconds: dict[str, float]) -> str:
    return " / ".join(f"{seconds[k]:.1f}" for k in ("reduce", "cluster", "keywords", "describe")) + " s"


def _synthesize(
    embeddings: NDArray[np.float32], labels: list[str], n: int, seed: int
) -> tuple[NDArray[np.float32], list[int]]:
    rng = np.random.default_rng(seed)
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    first = rng.integers(0, len(labels), n)
    second = np.array([rng.choice(by_label[labels[i]]) for i in first])
    mix = rng.random((n, 1)).astype(np.float32)
    points = (1 - mix) * embeddings[first] + mix * embeddings[second]
    points += rng.normal(scale=0.02, size=points.shape).astype(np.float32)
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    return points.astype(np.float32), first.tolist()


async def _team_with_vectors(db: Database, name: str, vectors: NDArray[np.float32], texts: list[str]) -> str:
    """A team with one case and len(vectors) pain points whose vectors are cached already."""
    async with db.transaction() as session:
        team = await users.get_or_create_team(session, name)
        owner = await users.create_user(
            session,
            email=f"owner@{name.lower()}.test",
            name="Owner",
            role=UserRole.MEMBER,
            password=PASSWORD,
            team=team,
        )
        case = await cases.create_case(session, owner, title="Bench", customer="ACME")
    start_day = datetime(2025, 1, 6, tzinfo=UTC)
    hours = np.random.default_rng(1).integers(0, 24 * 120, len(vectors))
    ids = [new_id() for _ in range(len(vectors))]
    async with db.transaction() as session:
        for begin in range(0, len(ids), 2000):
            chunk = range(begin, min(begin + 2000, len(ids)))
            await session.execute(
                insert(PainPoint),
                [
                    {
                        "id": ids[i],
                        "case_id": case.id,
                        "team_id": team.id,
                        "author_id": owner.id,
                        "text": texts[i],
                        "normalized_text": texts[i],
                        "customer": "ACME",
                        "product": None,
                        "tags": [],
                        "status": PainPointStatus.SUBMITTED,
                        "created_at": start_day + timedelta(hours=int(hours[i])),
                    }
                    for i in chunk
                ],
            )
            await session.execute(
                insert(PainPointEmbedding),
                [
                    {
                        "pain_point_id": ids[i],
                        "model": shared_embedder().model_name,
                        "dimension": vectors.shape[1],
                        "vector": to_bytes(vectors[i]),
                        "created_at": start_day,
                    }
                    for i in chunk
                ],
            )
    return team.id


async def _timed(label: str, seconds: dict[str, float], call: Callable[[], Awaitable[Any]]) -> Any:
    start = time.perf_counter()
    value = await call()
    seconds[label] = time.perf_counter() - start
    return value


async def bench_job(url: str, n: int) -> dict[str, Any]:
    """Seconds for cluster_pain_points on n cached vectors (warm process), with the stage split."""
    rows = _rows()
    texts = [r["text"] for r in rows]
    embeddings = shared_embedder().encode(texts)
    db = Database(create_engine(url))
    settings = Settings.from_env({"WARROOM_DATABASE_URL": url, "WARROOM_JOBS": "inprocess"})
    small, small_sources = _synthesize(embeddings, [r["label"] for r in rows], 400, seed=9)
    warm_team = await _team_with_vectors(db, "Warm", small, [texts[i] for i in small_sources])
    points, sources = _synthesize(embeddings, [r["label"] for r in rows], n, seed=0)
    team = await _team_with_vectors(db, "Big", points, [texts[i] for i in sources])

    def ctx() -> JobContext:
        return {
            "db": db,
            "settings": settings,
            "jobs": InProcessJobs(REGISTRY, db, settings),
            "events": None,
            "shared": {},
            "job_id": new_id(),
            "job_try": 1,
        }

    figures: dict[str, Any] = {"n": n}
    start = time.perf_counter()
    await cluster_pain_points(ctx(), team_id=warm_team)
    figures["warmup_s"] = time.perf_counter() - start
    start = time.perf_counter()
    run_id = await cluster_pain_points(ctx(), team_id=team)
    figures["job_s"] = time.perf_counter() - start
    async with db.sessions() as session:
        run = await session.get(ClusterRun, run_id)
        assert run is not None
        figures["stages"] = dict(run.seconds)
        figures["clusters"] = run.cluster_count
        figures["unclustered"] = run.unclustered_count / n
    # The database parts alone, on the same data: what the job adds to the pipeline.
    parts: dict[str, float] = {}
    async with db.sessions() as session:
        inputs = await _timed(
            "load", parts, lambda: cluster_runs.load_inputs(session, team, shared_embedder().model_name)
        )
    view = PainPointConfig().view(inputs.model, inputs.vectors.shape[1])
    computed = await asyncio.to_thread(cluster_runs.compute, inputs, view)
    async with db.transaction() as session:
        await _timed(
            "store",
            parts,
            lambda: cluster_runs.store_run(session, inputs, computed, job_id=new_id(), view=view),
        )
    figures["load_s"], figures["store_s"] = parts["load"], parts["store"]
    await db.dispose()
    return figures


async def main() -> None:
    parser = _args.parser(__doc__)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--job-size", type=int, default=10_000)
    _args.wait_quiet(parser, 120)
    args = parser.parse_args()
    print(f"cores: {len(os.sched_getaffinity(0))}, load average at start: {os.getloadavg()[0]:.2f}")
    submission_rows, job_rows = [], []
    for kind in args.databases.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            async with Scratch(kind, Path(tmp)) as url:
                load = wait_quiet(args.wait_quiet)
                s = await bench_submission(url, Path(tmp), args.rounds)
                batch, singles, lat = s["batch"], s["singles"], sorted(s["single_latency"])
                submission_rows.append(
                    [
                        kind,
                        f"{statistics.median(batch):.2f} / {max(batch):.2f} s",
                        f"{statistics.median(singles):.2f} / {max(singles):.2f} s",
                        f"{lat[len(lat) // 2] * 1000:.0f} / {lat[int(len(lat) * 0.99) - 1] * 1000:.0f} ms",
                        f"{s['cold_first_submit_s']:.1f} s",
                        f"{s['seed_332_s']:.1f} s",
                        f"{s['first_recluster_s']:.1f} s",
                        "ok" if max(batch) <= 2 and max(singles) <= 2 else "MISSED",
                        f"{load:.2f}",
                    ]
                )
            async with Scratch(kind, Path(tmp)) as url:
                load = wait_quiet(args.wait_quiet)
                j = await bench_job(url, args.job_size)
                job_rows.append(
                    [
                        kind,
                        j["n"],
                        f"{j['job_s']:.1f} s",
                        f"{j['load_s']:.2f} s",
                        _stages(j["stages"]),
                        f"{j['store_s']:.2f} s",
                        j["clusters"],
                        f"{j['unclustered']:.0%}",
                        f"{j['warmup_s']:.1f} s",
                        "ok" if j["job_s"] <= 10 else "MISSED",
                        f"{load:.2f}",
                    ]
                )
    table(
        "100 new pain points through the API until placed (server process, model loaded); median / max",
        [
            "database",
            "one submitPainPoints call",
            "100 submitPainPoint calls, 10 at a time",
            "single call p50 / p99",
            "first submit (model load)",
            "seed 332 in one call",
            "first recluster job",
            "<= 2 s",
            "load",
        ],
        submission_rows,
    )
    table(
        f"cluster_pain_points on {args.job_size} cached vectors (warm process)",
        [
            "database",
            "n",
            "job total",
            "read vectors",
            "reduce / hdbscan / keywords / describe",
            "store run",
            "clusters",
            "unclustered",
            "first job (JIT)",
            "<= 10 s",
            "load",
        ],
        job_rows,
    )
    print(
        "\nThe 1-minute load average at the start of each part is in the last column: other work shares the"
    )
    print("two cores, so figures measured above ~0.5 are preliminary.")


if __name__ == "__main__":
    asyncio.run(main())
