"""The pain-point jobs: one run per job id however often it runs, status on the job row, the embedding
cache, duplicates decided again after a model change, the nightly schedule, and a real arq worker process
running the job."""

import asyncio
import dataclasses
import os
import shutil
import sys
import uuid
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from server.clustering.embedding import resolve_model
from server.clustering.models import BILINGUAL, MINILM
from server.domain import jobs
from server.domain.cases import actions as cases
from server.domain.painpoints import submit as painpoint_submit
from server.domain.painpoints.actions import SubmissionInput
from server.domain.painpoints.config import PainPointConfig
from server.domain.painpoints.jobs import (
    CLUSTER_JOB,
    RECHECK_JOB,
    catch_up_model,
    cluster_pain_points,
    embed_pain_points,
    recheck_duplicates,
    recluster_teams,
)
from server.domain.painpoints.vectors import from_bytes
from server.infra.config import Settings
from server.infra.db import Database, create_engine
from server.infra.ids import new_id
from server.infra.job_context import JobContext
from server.infra.job_queues import ArqJobs
from server.models import (
    ClusterRun,
    Job,
    JobStatus,
    PainPoint,
    PainPointEmbedding,
    PainPointStatus,
    PointEntry,
    User,
)
from tests.support.outbox import Followups
from tests.support.painpoints import Labelled, labelled_rows, seed
from tests.support.people import case_with, make_person, make_user
from tests.support.services import REDIS_URL, require_redis

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[3]
THEMES = sorted({row.label for row in labelled_rows()})[:8]
SUBSET = [row for row in labelled_rows() if row.lang == "en" and row.label in THEMES]


def _ctx(db: Database, settings: Settings, job_id: str = "") -> JobContext:
    return {
        "db": db,
        "settings": settings,
        "jobs": Followups(db, settings),
        "events": None,
        "shared": {},
        "job_id": job_id,
        "job_try": 1,
    }


async def _team(
    db: Database, settings: Settings, rows: list[Labelled], email: str = "owner@a.com", team: str = "Team A"
) -> str:
    person = await make_person(db, email, team=team)
    async with db.transaction() as session:
        user = await session.get(User, person.id)
        assert user is not None
        case = await cases.create_case(session, user, title="Case", customer="Contoso")
    await seed(db, settings, person.id, [case.id], rows)
    assert case.team_id is not None
    return case.team_id


async def _count(db: Database, model: type[ClusterRun] | type[PainPointEmbedding]) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _job(db: Database, job_id: str) -> Job:
    async with db.sessions() as session:
        job = await session.get(Job, job_id)
    assert job is not None
    return job


async def test_a_job_run_twice_or_at_once_stores_one_run(db: Database, settings: Settings) -> None:
    team_id = await _team(db, settings, SUBSET)
    job_id = new_id()
    async with db.transaction() as session:
        await jobs.create(
            session, job_id=job_id, name=CLUSTER_JOB, params={"team_id": team_id}, created_by=None
        )
    first = await cluster_pain_points(_ctx(db, settings, job_id), team_id=team_id)
    again = await cluster_pain_points(_ctx(db, settings, job_id), team_id=team_id)
    assert first is not None
    assert again == first
    assert await _count(db, ClusterRun) == 1
    job = await _job(db, job_id)
    assert (job.status, job.progress, job.attempts, job.error) == (JobStatus.SUCCEEDED, 1.0, 1, None)

    # Two attempts of one job at the same moment (a worker presumed dead, a retry): still one run.
    racing = new_id()
    both = await asyncio.gather(
        cluster_pain_points(_ctx(db, settings, racing), team_id=team_id),
        cluster_pain_points(_ctx(db, settings, racing), team_id=team_id),
    )
    assert both[0] == both[1]
    assert await _count(db, ClusterRun) == 2
    assert (await _job(db, racing)).status is JobStatus.SUCCEEDED


async def test_status_goes_queued_running_succeeded_with_progress(db: Database, settings: Settings) -> None:
    team_id = await _team(db, settings, SUBSET)
    job_id = new_id()
    async with db.transaction() as session:
        await jobs.create(
            session, job_id=job_id, name=CLUSTER_JOB, params={"team_id": team_id}, created_by=None
        )
    seen = [(await _job(db, job_id)).status]
    task = asyncio.create_task(cluster_pain_points(_ctx(db, settings, job_id), team_id=team_id))
    done = False
    while not done:
        done = task.done()  # read once more after the task ends, so its last write is seen
        job = await _job(db, job_id)
        if job.status is not seen[-1]:
            seen.append(job.status)
            assert 0.0 <= job.progress <= 1.0
        await asyncio.sleep(0.005)
    await task
    assert seen == [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED]


async def test_the_embedding_cache_is_reused_and_a_new_model_embeds_again(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    rows = SUBSET[:24]
    team_id = await _team(db, settings, rows)
    assert await _count(db, PainPointEmbedding) == len(rows)  # made at submit time
    assert await embed_pain_points(_ctx(db, settings), team_id=team_id) == 0

    # Another model (here: the same weights under another path, which is all a name says) embeds everything.
    copy = tmp_path / "minilm-copy"
    shutil.copytree(resolve_model(MINILM), copy)
    other = dataclasses.replace(settings, extra={**settings.extra, "WARROOM_EMBEDDING_MODEL": str(copy)})
    assert await embed_pain_points(_ctx(db, other), team_id=team_id) == len(rows)
    assert await embed_pain_points(_ctx(db, other), team_id=team_id) == 0
    async with db.sessions() as session:
        stored = (await session.execute(select(PainPointEmbedding))).scalars().all()
        statuses = set((await session.execute(select(PainPoint.status))).scalars())
    by_model: dict[str, dict[str, np.ndarray]] = {}
    for row in stored:
        by_model.setdefault(row.model, {})[row.pain_point_id] = from_bytes(row.vector, row.dimension)
    assert set(by_model) == {BILINGUAL, str(copy)}
    english = 0
    for pain_point_id, vector in by_model[BILINGUAL].items():
        if np.any(vector[:384]):  # the default's MiniLM part, present for texts without CJK characters
            assert np.allclose(vector[:384], by_model[str(copy)][pain_point_id], atol=1e-5)
            english += 1
    assert english > 0
    assert statuses == {PainPointStatus.SUBMITTED}  # re-embedding decides nothing again

    run_id = await cluster_pain_points(_ctx(db, other, new_id()), team_id=team_id)
    async with db.sessions() as session:
        run = await session.get(ClusterRun, run_id)
    assert run is not None
    assert run.model == str(copy)


# Chinese and English: an original, a distinct text, a rewording of the original (MiniLM cosines .76/.89 and
# .71/.92). At 0.52 the distinct ones are taken for copies, as the English-only model did with Chinese.
MIXED = [
    "退款一直没到账，客户已经等了两周",
    "仓库发货太慢，订单延迟一周以上",
    "退款一直没有到账，客户已经等了两周了",
    "The invoice arrived two weeks after the delivery",
    "Delivery arrived two weeks late",
    "Refund has not arrived after two weeks",
    "The refund still has not arrived after two weeks",
]
S, D = PainPointStatus.SUBMITTED, PainPointStatus.DUPLICATE


async def _decided_at_low_threshold(db: Database, settings: Settings) -> tuple[str, list[str]]:
    user = await make_user(db, "author@a.com")
    case_id = await case_with(db, user)
    queue = Followups(db, settings)
    results = await painpoint_submit.submit(
        db, user, [SubmissionInput(case_id, text) for text in MIXED],
        PainPointConfig(model=MINILM, duplicate_threshold=0.52),
    )  # fmt: skip
    await queue.drain()
    assert user.team_id is not None
    ids = [result.pain_point.id for result in results if result.pain_point is not None]
    assert await _statuses(db, ids) == [S, D, D, S, D, S, D]
    return user.team_id, ids


async def _statuses(db: Database, ids: list[str]) -> list[PainPointStatus]:
    async with db.sessions() as session:
        rows = {p.id: p.status for p in (await session.execute(select(PainPoint))).scalars()}
    return [rows[i] for i in ids]


async def _awarded(db: Database) -> list[str]:
    async with db.sessions() as session:
        subjects = (await session.execute(select(PointEntry.subject).order_by(PointEntry.subject))).scalars()
        return [subject.removeprefix("pain_point:") for subject in subjects]


def _new_model(settings: Settings, tmp_path: Path, threshold: str = "0.85") -> Settings:
    """Another model with its own duplicate threshold: the bundled weights under another path (a name is all
    that tells models apart), since this machine has one real model."""
    copy = tmp_path / "minilm-copy"
    if not copy.exists():
        shutil.copytree(resolve_model(MINILM), copy)
    extra = {**settings.extra, "WARROOM_EMBEDDING_MODEL": str(copy), "WARROOM_DUPLICATE_THRESHOLD": threshold}
    return dataclasses.replace(settings, extra=extra)


async def test_a_model_change_decides_duplicates_again_and_awards_once(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    team_id, ids = await _decided_at_low_threshold(db, settings)
    assert await _awarded(db) == sorted([ids[0], ids[3], ids[5]])
    other = _new_model(settings, tmp_path)

    assert await embed_pain_points(_ctx(db, other), team_id=team_id) == len(MIXED)
    assert await _statuses(db, ids) == [S, S, D, S, S, S, D]
    assert await _awarded(db) == sorted([ids[0], ids[1], ids[3], ids[4], ids[5]])

    # Everything again — the embedding job, a re-clustering, the recheck job: nothing more moves.
    assert await embed_pain_points(_ctx(db, other), team_id=team_id) == 0
    assert await cluster_pain_points(_ctx(db, other, new_id()), team_id=team_id) is not None
    assert await recheck_duplicates(_ctx(db, other), team_id=team_id) == 0
    assert await _statuses(db, ids) == [S, S, D, S, S, S, D]
    assert await _awarded(db) == sorted([ids[0], ids[1], ids[3], ids[4], ids[5]])


async def test_the_english_only_models_false_chinese_duplicates_are_restored_by_the_default(
    db: Database, settings: Settings
) -> None:
    """The upgrade path: pain points stored under all-MiniLM-L6-v2 at its threshold (the default before the
    bilingual one), where unrelated Chinese texts come out at cosine 1.000, are decided again once the default
    embeds them; the distinct ones are restored and paid once."""
    texts = [
        "炸馒头片",
        "幻影忍者",
        "我想转发这封邮件",
        "我想答复这个邮件",
        "甲亢怎么治疗？",
        "烧伤怎么治疗啊？",
    ]
    user = await make_user(db, "mei@a.com")
    case_id = await case_with(db, user)
    queue = Followups(db, settings)
    results = await painpoint_submit.submit(
        db, user, [SubmissionInput(case_id, t) for t in texts], PainPointConfig(model=MINILM)
    )
    await queue.drain()
    ids = [result.pain_point.id for result in results if result.pain_point is not None]
    assert await _statuses(db, ids) == [S, D, S, D, S, D]
    assert user.team_id is not None

    assert await embed_pain_points(_ctx(db, settings), team_id=user.team_id) == len(texts)
    assert await _statuses(db, ids) == [S] * len(texts)
    assert await _awarded(db) == sorted(ids)
    assert await recheck_duplicates(_ctx(db, settings), team_id=user.team_id) == 0
    assert await _awarded(db) == sorted(ids)


async def test_a_re_clustering_after_a_model_change_rechecks_too(
    db: Database, settings: Settings, tmp_path: Path
) -> None:
    team_id, ids = await _decided_at_low_threshold(db, settings)
    other = _new_model(settings, tmp_path)
    run_id = await cluster_pain_points(_ctx(db, other, new_id()), team_id=team_id)
    assert await _statuses(db, ids) == [S, S, D, S, S, S, D]
    async with db.sessions() as session:
        run = await session.get(ClusterRun, run_id)
    assert run is not None
    assert (run.model, run.point_count) == (str(tmp_path / "minilm-copy"), 5)


async def test_the_recheck_job_shows_its_progress_and_restores_once(db: Database, settings: Settings) -> None:
    team_id, ids = await _decided_at_low_threshold(db, settings)
    right = dataclasses.replace(
        settings,
        extra={**settings.extra, "WARROOM_EMBEDDING_MODEL": MINILM, "WARROOM_DUPLICATE_THRESHOLD": "0.85"},
    )
    job_id = new_id()
    async with db.transaction() as session:
        await jobs.create(
            session, job_id=job_id, name=RECHECK_JOB, params={"team_id": team_id}, created_by=None
        )
    # The same model throughout: no re-embedding, so only the job decides again.
    assert await embed_pain_points(_ctx(db, right), team_id=team_id) == 0
    assert await _statuses(db, ids) == [S, D, D, S, D, S, D]
    assert await recheck_duplicates(_ctx(db, right, job_id), team_id=team_id) == 2
    job = await _job(db, job_id)
    assert (job.status, job.progress, job.error) == (JobStatus.SUCCEEDED, 1.0, None)
    assert await _statuses(db, ids) == [S, S, D, S, S, S, D]
    assert await recheck_duplicates(_ctx(db, right, job_id), team_id=team_id) == 0
    assert await _awarded(db) == sorted([ids[0], ids[1], ids[3], ids[4], ids[5]])


async def test_a_model_change_queues_one_re_clustering_per_team_that_shows_its_progress(
    db: Database, settings: Settings
) -> None:
    teams = {
        await _team(db, settings, SUBSET[:12], "a@a.com", "Team A"),
        await _team(db, settings, SUBSET[12:24], "b@b.com", "Team B"),
    }
    assert await catch_up_model(_ctx(db, settings)) == 0  # every vector is the configured model's
    other = dataclasses.replace(settings, extra={**settings.extra, "WARROOM_EMBEDDING_MODEL": MINILM})
    ctx = _ctx(db, other)
    assert await catch_up_model(ctx) == 2
    assert await catch_up_model(ctx) == 0  # queued already: servers starting together queue one
    await ctx["jobs"].drain()
    async with db.sessions() as session:
        queued = (await session.execute(select(Job).where(Job.name == CLUSTER_JOB))).scalars().all()
        runs = (await session.execute(select(ClusterRun))).scalars().all()
    assert {job.params["team_id"] for job in queued} == teams
    assert {(job.status, job.progress) for job in queued} == {(JobStatus.SUCCEEDED, 1.0)}
    assert {(run.team_id, run.model, run.point_count) for run in runs} == {(t, MINILM, 12) for t in teams}
    assert await catch_up_model(ctx) == 0


async def test_the_nightly_schedule_queues_one_run_per_team_per_day(db: Database, settings: Settings) -> None:
    teams = {
        await _team(db, settings, SUBSET[:30], "a@a.com", "Team A"),
        await _team(db, settings, SUBSET[30:60], "b@b.com", "Team B"),
    }
    ctx = _ctx(db, settings)
    assert await recluster_teams(ctx) == 2
    assert await recluster_teams(ctx) == 2  # the same day again: the same job ids
    await ctx["jobs"].drain()
    async with db.sessions() as session:
        runs = (await session.execute(select(ClusterRun.team_id))).scalars().all()
        nightly = (await session.execute(select(Job).where(Job.name == CLUSTER_JOB))).scalars().all()
    assert sorted(runs) == sorted(teams)
    assert len(nightly) == 2
    assert {job.status for job in nightly} == {JobStatus.SUCCEEDED}
    assert {uuid.UUID(job.id).version for job in nightly} == {5}


async def test_an_arq_worker_process_runs_the_job_once(postgres_url: str, tmp_path: Path) -> None:
    require_redis()
    db = Database(create_engine(postgres_url))
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings = Settings.from_env({"WARROOM_DATABASE_URL": postgres_url, "WARROOM_JOBS": "inprocess"})
    env = {**os.environ, "WARROOM_DATABASE_URL": postgres_url, "WARROOM_REDIS_URL": REDIS_URL,
           "WARROOM_REDIS_PREFIX": prefix}  # fmt: skip
    log = (tmp_path / "worker.log").open("wb")
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server", "worker", cwd=ROOT, env=env, stdout=log, stderr=log
    )
    queue = await ArqJobs.connect(REDIS_URL, f"{prefix}:queue")
    try:
        team_id = await _team(db, settings, SUBSET)
        job_id = new_id()
        async with db.transaction() as session:
            await jobs.create(
                session, job_id=job_id, name=CLUSTER_JOB, params={"team_id": team_id}, created_by=None
            )
        await queue.enqueue(CLUSTER_JOB, job_id=job_id, team_id=team_id)
        finished = await _finished(db, job_id, worker, tmp_path)
        # arq keeps no result, so the same id may run again: it finds its run and stores nothing new.
        await queue.enqueue(CLUSTER_JOB, job_id=job_id, team_id=team_id)
        async with asyncio.timeout(60):
            while (await _job(db, job_id)).finished_at == finished:
                await asyncio.sleep(0.2)
        assert (await _job(db, job_id)).status is JobStatus.SUCCEEDED
        assert await _count(db, ClusterRun) == 1
    finally:
        await queue.close()
        worker.terminate()
        await worker.wait()
        log.close()
        await db.dispose()


async def _finished(db: Database, job_id: str, worker: asyncio.subprocess.Process, tmp_path: Path) -> object:
    async with asyncio.timeout(100):
        while (job := await _job(db, job_id)).status is not JobStatus.SUCCEEDED:
            assert job.status is not JobStatus.FAILED, job.error
            assert worker.returncode is None, (tmp_path / "worker.log").read_text()
            await asyncio.sleep(0.2)
    return job.finished_at
