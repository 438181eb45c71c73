"""Warming a server up in the background as it starts (WARROOM_EMBEDDING_WARMUP): the model, a first
encoding of each language, the knowledge vectors; a stop during the warm-up does not wait for it."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from starlette.applications import Starlette

from server.app import create_app
from server.clustering import embedding, shared_embedder
from server.domain.cases import actions as cases
from server.domain.knowledge import publishing
from server.domain.knowledge.vector_cache import shared_vectors
from server.domain.painpoints import vectors
from server.domain.painpoints.config import PainPointConfig
from server.domain.painpoints.quality import _load_segmenter
from server.infra.config import ConfigError, Settings
from server.infra.db import Database
from server.models import AssetAudience, KnowledgeAsset, User
from server.models.base import utcnow
from server.warmup import Warmup, enabled
from tests.support.graphql import GraphQL
from tests.support.metrics import metrics
from tests.support.people import PASSWORD, make_user
from tests.support.servers import ServerProcess

SIMILAR = "query($t: String!) { similarKnowledgeAssets(text: $t, first: 2) { asset { title } } }"
PLAYBOOKS = (
    ("手术室紧急故障处置SOP", "手术室设备突然断电或报警时，先切换备用电源，再通知设备科工程师到场。"),
    ("Warehouse returns playbook", "When a customer sends back damaged goods, refund within five days."),
)


def test_warmup_is_off_unless_asked_and_refuses_what_it_cannot_read() -> None:
    assert not enabled(Settings.from_env({}))
    assert enabled(Settings.from_env({"WARROOM_EMBEDDING_WARMUP": "1"}))
    assert enabled(Settings.from_env({"WARROOM_EMBEDDING_WARMUP": "on"}))
    assert not enabled(Settings.from_env({"WARROOM_EMBEDDING_WARMUP": "0"}))
    with pytest.raises(ConfigError, match="WARROOM_EMBEDDING_WARMUP must be 1 or 0"):
        enabled(Settings.from_env({"WARROOM_EMBEDDING_WARMUP": "soon"}))


def _settings(database_url: str, tmp_path: Path, **extra: str) -> Settings:
    return Settings.from_env(
        {
            "WARROOM_DATA_DIR": str(tmp_path),
            "WARROOM_DATABASE_URL": database_url,
            "WARROOM_JOBS": "inprocess",
            "WARROOM_EMBEDDING_WARMUP": "1",
            **extra,
        }
    )


@asynccontextmanager
async def _serving(settings: Settings) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t") as http,
    ):
        yield app, http


def _warmup(app: Starlette) -> Warmup:
    warmup = app.state.runtime.warmup
    assert isinstance(warmup, Warmup)
    return warmup


async def _metrics(http: httpx.AsyncClient) -> dict[str, float]:
    text = (await http.get("/metrics")).text
    return {line.split()[0]: float(line.split()[1]) for line in text.splitlines() if line[:1] not in "#"}


def _alarming(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The warm-up's warnings, and any error (a new data directory's keys are announced as warnings)."""
    return [
        record
        for record in caplog.records
        if record.levelno >= logging.ERROR
        or (record.levelno >= logging.WARNING and record.name == "warroom.warmup")
    ]


@pytest.fixture
def fresh_process() -> Iterator[None]:
    """What a new server process starts from: no model in memory, no vectors read."""
    embedding._shared_embedder.cache_clear()
    shared_vectors.cache_clear()
    yield
    shared_vectors.cache_clear()


async def _library(settings: Settings) -> User:
    """A person and two assets, one Chinese and one English, with their vectors as a publish writes them."""
    db = Database.from_settings(settings)
    try:
        author = await make_user(db, "author@example.com", team="Team A")
        embedder = shared_embedder(PainPointConfig.from_settings(settings).model)
        for title, text in PLAYBOOKS:
            vector = (await vectors.encode(embedder, [f"{title}\n{text}"])).vectors[0]
            async with db.transaction() as session:
                case = await cases.create_case(session, author, title=title, customer="某客户")
                session.add(
                    KnowledgeAsset(
                        team_id=author.team_id, case_id=case.id, audience=AssetAudience.TEAM, title=title,
                        summary="", tags=[], tag_keys=publishing.tag_keys([]), version=1,
                        search_text=f"{title}\n\n\n{text}".lower(), embedding_model=embedder.model_name,
                        embedding=vectors.to_bytes(vector), created_by=author.id, updated_at=utcnow(),
                    )
                )  # fmt: skip
        return author
    finally:
        await db.dispose()


async def test_apps_built_in_process_do_not_warm_up(sqlite_url: str, tmp_path: Path) -> None:
    settings = _settings(sqlite_url, tmp_path, WARROOM_EMBEDDING_WARMUP="")
    async with _serving(settings) as (app, http):
        assert (await http.get("/healthz")).status_code == 200
        assert app.state.runtime.warmup is None
        assert "warroom_warm_up_done" not in await _metrics(http)


async def test_a_model_that_cannot_load_leaves_the_server_serving(
    sqlite_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(sqlite_url, tmp_path, WARROOM_EMBEDDING_MODEL=str(tmp_path / "no-such-model"))
    async with _serving(settings) as (app, http):
        assert (await http.get("/healthz")).status_code == 200
        warmup = _warmup(app)
        assert await asyncio.to_thread(warmup.wait, 60)
        assert warmup.error is not None
        assert (await http.get("/readyz")).json() == {"status": "ready"}
        metrics = await _metrics(http)
        assert (metrics["warroom_warm_up_done"], metrics["warroom_warm_up_seconds"]) == (1, 0)
    assert [r.message for r in _alarming(caplog)] == [
        f"the embedding model could not be loaded at start-up: {warmup.error}"
    ]


# Loads the real model (again: as a new process would), on a loaded two-core machine.
@pytest.mark.model
@pytest.mark.timeout(300)
async def test_after_the_warm_up_the_first_meaning_search_reads_no_vectors_again(
    database_url: str, tmp_path: Path, fresh_process: None, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(database_url, tmp_path)
    author = await _library(settings)
    embedding._shared_embedder.cache_clear()  # the vectors are written; the server starts without a model
    _load_segmenter.cache_clear()
    async with _serving(settings) as (app, http):
        assert (await http.get("/readyz")).status_code == 200
        warmup = _warmup(app)
        assert await asyncio.to_thread(warmup.wait, 240)
        assert warmup.error is None
        metrics = await _metrics(http)
        assert metrics["warroom_warm_up_done"] == 1
        assert metrics["warroom_warm_up_seconds"] > 0
        assert shared_embedder(PainPointConfig.from_settings(settings).model).loaded
        assert _load_segmenter.cache_info().currsize == 1  # the gate's Chinese dictionary too
        assert shared_vectors().full_reads == 1  # the warm-up's

        api = GraphQL(http)
        token = await api.login(author.email, PASSWORD)
        for text, title in (
            ("手术室里的设备忽然没电了", PLAYBOOKS[0][0]),
            ("parcel came back broken", PLAYBOOKS[1][0]),
        ):
            found = (await api.data(SIMILAR, {"t": text}, token))["similarKnowledgeAssets"]
            assert found[0]["asset"]["title"] == title
        assert shared_vectors().full_reads == 1  # the searches found the matrix read
    assert not _alarming(caplog)


@pytest.mark.model
async def test_a_server_stopped_while_it_warms_up_stops_at_once_and_quietly(
    database_url: str, tmp_path: Path
) -> None:
    # A new process, as deployed: the model's imports and weights take seconds, the stop does not wait.
    server = await ServerProcess.start(database_url, tmp_path, env={"WARROOM_EMBEDDING_WARMUP": "1"})
    try:
        assert (await metrics(server.http_url))["warroom_warm_up_done"] == 0
        started = time.monotonic()
        await server.stop()
        assert time.monotonic() - started < 5
        assert server.process.returncode == 128 + signal.SIGTERM
    finally:
        await server.kill()
    logs = server.logs()
    assert "Traceback" not in logs
    assert not [line for line in logs.splitlines() if '"level": "error"' in line or "warroom.warmup" in line]


@pytest.mark.model
@pytest.mark.timeout(300)
async def test_a_server_stopped_while_the_vectors_are_read_cancels_the_read(
    postgres_url: str, tmp_path: Path, fresh_process: None, caplog: pytest.LogCaptureFixture
) -> None:
    # PostgreSQL only: there a read can be made to wait (for a table lock); an SQLite reader never waits.
    settings = _settings(postgres_url, tmp_path)
    await _library(settings)  # the model stays loaded: the warm-up reaches the vectors at once
    name = postgres_url.rsplit("/", 1)[-1]
    locker = await asyncpg.connect(host="127.0.0.1", user="postgres", database=name)
    try:
        locking = locker.transaction()
        await locking.start()
        await locker.execute("LOCK TABLE knowledge_assets IN ACCESS EXCLUSIVE MODE")
        async with _serving(settings) as (app, _http):
            warmup = _warmup(app)
            waiting = (
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'knowledge_assets'::regclass"
            )
            deadline = time.monotonic() + 60
            while not await locker.fetchval(waiting):
                assert time.monotonic() < deadline, "the warm-up never read the vectors"
                await asyncio.sleep(0.05)
            started = time.monotonic()
        assert time.monotonic() - started < 2
        assert warmup.done  # the read was cancelled and its connections closed
        assert (warmup.error, warmup.seconds) == (None, None)
        await locking.rollback()
    finally:
        await locker.close()
    assert shared_vectors().full_reads == 0
    assert not _alarming(caplog)
