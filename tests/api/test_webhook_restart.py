"""A delivery outlives its server: a real `serve` process is killed (SIGKILL) while a try is in flight, and
the restarted server delivers it, with the same delivery id, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from sqlalchemy import select

from server.infra.db import Database, create_engine
from server.models import DeliveryStatus, PainPoint, PainPointStatus, User, UserRole, WebhookDelivery
from tests.support.graphql import GraphQL
from tests.support.people import case_with, make_person, make_user
from tests.support.receiver import HANG, running_receiver
from tests.support.servers import ServerProcess

ADOPT = "mutation($id: ID!, $n: String) { adoptPainPoint(id: $id, note: $n) { id status } }"
CREATE_WEBHOOK = "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret webhook { id } } }"
ENV = {
    "WARROOM_JOBS": "inprocess",
    "WARROOM_WEBHOOK_ALLOW_PRIVATE": "1",
    "WARROOM_WEBHOOK_BACKOFF_SECONDS": "1",
    # The restarted server takes the try the dead one held once its lease runs out (10 s by default).
    "WARROOM_OUTBOX_LEASE_SECONDS": "2",
}


async def _pain_point(db: Database, author: User, case_id: str) -> str:
    """An accepted pain point (stored directly: its delivery is what is tested)."""
    async with db.transaction() as session:
        row = PainPoint(
            case_id=case_id,
            team_id=author.team_id,
            author_id=author.id,
            text="退款一直没到账 Refunds never arrive",
            normalized_text="退款一直没到账 Refunds never arrive",
            customer="华润万家",
            status=PainPointStatus.SUBMITTED,
        )
        session.add(row)
    return row.id


async def _deliveries(db: Database) -> list[WebhookDelivery]:
    async with db.sessions() as session:
        return list((await session.execute(select(WebhookDelivery))).scalars())


@asynccontextmanager
async def _graphql(server: ServerProcess) -> AsyncIterator[GraphQL]:
    async with httpx.AsyncClient(base_url=server.http_url, timeout=30) as client:
        yield GraphQL(client)


async def test_a_delivery_in_flight_when_the_server_is_killed_is_delivered_after_the_restart(
    database_url: str, tmp_path: Path
) -> None:
    db = Database(create_engine(database_url))
    author = await make_user(db, "ana@a.com")
    rd = await make_person(db, "rd@a.com", role=UserRole.RD)
    admin = await make_person(db, "admin@a.com", role=UserRole.ADMIN)
    pain_point = await _pain_point(db, author, await case_with(db, author))
    try:
        # The first try is answered 500; the second is held open until the server is dead.
        async with running_receiver([500, HANG]) as tracker:
            server = await ServerProcess.start(database_url, tmp_path, env=ENV, name="first")
            try:
                async with _graphql(server) as api:
                    admin_token = await api.login(admin.email, admin.password)
                    hook = {"url": tracker.url, "events": ["PAIN_POINT_ADOPTED"]}
                    tracker.secret = (await api.data(CREATE_WEBHOOK, {"i": hook}, admin_token))[
                        "createWebhook"
                    ]["secret"]
                    rd_token = await api.login(rd.email, rd.password)
                    await api.data(ADOPT, {"id": pain_point, "n": "进入路线图"}, rd_token)
                    await asyncio.wait_for(tracker.hanging.wait(), 30)
                    await server.kill()
            finally:
                await server.kill()

            (pending,) = await _deliveries(db)
            assert (pending.status, pending.attempts, pending.last_status_code) == (
                DeliveryStatus.PENDING,
                1,
                500,
            )

            restarted = await ServerProcess.start(database_url, tmp_path, env=ENV, name="second")
            try:
                async with asyncio.timeout(60):  # the dead server's lease on the try runs out first
                    while (await _deliveries(db))[0].status is DeliveryStatus.PENDING:
                        await asyncio.sleep(0.2)
            finally:
                await restarted.stop()
        (delivered,) = await _deliveries(db)
        assert (delivered.status, delivered.attempts) == (DeliveryStatus.DELIVERED, 2)
        assert [entry["statusCode"] for entry in delivered.log] == [
            500,
            200,
        ]  # the try cut short left no entry
        assert [r.status for r in tracker.requests] == [500, HANG, 200]
        assert {r.headers["x-warroom-delivery"] for r in tracker.requests} == {delivered.id}
        assert all(r.signature_ok for r in tracker.requests)
        (payload,) = tracker.accepted.values()
        assert payload["event"] == "PAIN_POINT_ADOPTED"
        assert [p["id"] for p in payload["data"]["painPoints"]] == [pain_point]
        assert payload["data"]["painPoints"][0]["note"] == "进入路线图"
    finally:
        await db.dispose()
