"""`clusterEvents` over graphql-transport-ws against a real server process."""

import asyncio
import os
import sys
import uuid
from pathlib import Path

import pytest

from server.infra.config import Settings
from server.models import UserRole
from tests.support.gqlws import subscribe
from tests.support.live import Live, live_server
from tests.support.painpoints import RECLUSTER, labelled_rows, seed, submit
from tests.support.people import make_person
from tests.support.services import REDIS_URL, require_redis

pytestmark = pytest.mark.model

EVENTS = "subscription { clusterEvents { kind runId clusterId painPointIds added at } }"
ENGLISH = [row for row in labelled_rows() if row.lang == "en"]
THEMES = sorted({row.label for row in ENGLISH})[:8]
ROOT = Path(__file__).resolve().parents[2]


async def test_runs_and_growth_reach_subscribers_as_they_may_see_them(live: Live, sqlite_url: str) -> None:
    _, rd = await live.signed_in("rd@a.com", UserRole.RD)
    owner_id, owner = await live.signed_in("owner@a.com")
    mate_id, mate = await live.signed_in("mate@a.com")
    cases = [await live.gql.create_case(owner, title=f"Case {i}") for i in range(2)]
    await live.gql.add_member(owner, cases[1], mate_id, "EDITOR")
    await seed(live.db, Settings.from_env({"WARROOM_DATABASE_URL": sqlite_url}), owner_id, cases, ENGLISH)

    outsider_person = await make_person(live.db, "rd@b.com", role=UserRole.RD, team="Team B")
    outsider = await live.gql.login(outsider_person.email, outsider_person.password)
    async with (
        subscribe(live.server.ws_url, EVENTS, token=rd) as rds,
        subscribe(live.server.ws_url, EVENTS, token=mate) as mates,
        subscribe(live.server.ws_url, EVENTS, token=outsider) as outsiders,
    ):
        job_id = (await live.gql.data(RECLUSTER, token=rd))["reclusterPainPoints"]["jobId"]
        finished = (await rds.next(timeout=90))["clusterEvents"]
        assert (finished["kind"], finished["clusterId"], finished["added"]) == ("RUN_FINISHED", None, 0)
        assert (await mates.next(timeout=10))["clusterEvents"]["runId"] == finished["runId"]
        job = await live.gql.data("query($id: ID!) { job(id: $id) { status } }", {"id": job_id}, rd)
        assert job["job"]["status"] == "SUCCEEDED"

        text = "The refund for the returned order has still not reached the customer's card"
        theirs = await submit(live.gql, owner, cases[0], text)
        grew = (await rds.next(timeout=30))["clusterEvents"]
        assert (grew["kind"], grew["painPointIds"], grew["added"]) == ("CLUSTER_GREW", [theirs["id"]], 1)
        assert grew["runId"] == finished["runId"]
        # The mate is not on the first case: they hear of growth only through their own case.
        mine = await submit(live.gql, mate, cases[1], text)
        heard = (await mates.next(timeout=30))["clusterEvents"]
        assert (heard["kind"], heard["painPointIds"], heard["clusterId"]) == (
            "CLUSTER_GREW",
            [mine["id"]],
            grew["clusterId"],
        )
        with pytest.raises(TimeoutError):  # another team hears nothing of it
            await outsiders.next(timeout=1)


async def test_a_worker_s_run_reaches_subscribers_through_redis(postgres_url: str, tmp_path: Path) -> None:
    """The scaled-out path: the server queues the job on Redis, an arq worker runs it and publishes the
    event, the server delivers it."""
    require_redis()
    env = {
        "WARROOM_REDIS_URL": REDIS_URL,
        "WARROOM_REDIS_PREFIX": f"t{uuid.uuid4().hex[:8]}",
        "WARROOM_JOBS": "arq",
    }
    log = (tmp_path / "worker.log").open("wb")
    worker = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "server", "worker", cwd=ROOT,
        env={**os.environ, **env, "WARROOM_DATABASE_URL": postgres_url}, stdout=log, stderr=log,
    )  # fmt: skip
    try:
        async with live_server(postgres_url, tmp_path, env=env) as live:
            _, rd = await live.signed_in("rd@a.com", UserRole.RD)
            owner_id, owner = await live.signed_in("owner@a.com")
            case_id = await live.gql.create_case(owner)
            rows = [row for row in ENGLISH if row.label in THEMES]
            await seed(
                live.db, Settings.from_env({"WARROOM_DATABASE_URL": postgres_url}), owner_id, [case_id], rows
            )
            async with subscribe(live.server.ws_url, EVENTS, token=rd) as events:
                job_id = (await live.gql.data(RECLUSTER, token=rd))["reclusterPainPoints"]["jobId"]
                finished = (await events.next(timeout=90))["clusterEvents"]
            assert finished["kind"] == "RUN_FINISHED", (tmp_path / "worker.log").read_text()[-3000:]
            job = await live.gql.data(
                "query($id: ID!) { job(id: $id) { status attempts } }", {"id": job_id}, rd
            )
            assert job["job"] == {"status": "SUCCEEDED", "attempts": 1}
    finally:
        worker.terminate()
        await worker.wait()
        log.close()
