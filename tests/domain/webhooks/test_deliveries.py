"""Deliveries end to end against a real receiver, on SQLite and PostgreSQL: stored with the change that
causes them, signed, retried with back-off, logged try by try, failed after their window, redelivered."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from server.domain.errors import BadInput, Forbidden, NotFound
from server.domain.materials import rotation
from server.domain.webhooks import actions as webhooks
from server.domain.webhooks import events as webhook_events
from server.domain.webhooks import secrets
from server.domain.webhooks.actions import WebhookInput
from server.infra.config import Settings
from server.infra.db import Database
from server.infra.keyring import Keyring, new_key
from server.models import DeliveryStatus, User, UserRole, Webhook, WebhookDelivery
from tests.support.outbox import Followups
from tests.support.people import make_user
from tests.support.receiver import Receiver, running_receiver
from tests.support.webhooks import webhook_settings

DATA = {"proposal": {"id": "p-1", "title": "结账时银行卡支付失败 Card payments fail at checkout"}}


async def _webhook(
    db: Database, settings: Settings, admin: User, receiver: Receiver, *events: str
) -> Webhook:
    chosen = list(events or webhook_events.EVENTS)
    async with db.transaction() as session:
        hook, secret = await webhooks.create(
            session, admin, WebhookInput(receiver.url, chosen, "研发需求"), settings
        )
    receiver.secret = secret
    return hook


async def _emit(db: Database, team_id: str, event: str = webhook_events.PROPOSAL_CREATED) -> list[str]:
    async with db.transaction() as session:
        return [d.id for d in await webhook_events.emit(session, team_id, event, DATA)]


async def _failing_change(db: Database, team_id: str) -> None:
    async with db.transaction() as session:
        await webhook_events.emit(session, team_id, webhook_events.PAIN_POINT_ADOPTED, DATA)
        raise RuntimeError("the change failed")


async def _delivery(db: Database, delivery_id: str) -> WebhookDelivery:
    async with db.sessions() as session:
        return await session.get_one(WebhookDelivery, delivery_id)


async def test_a_delivery_is_tried_until_it_is_accepted_and_every_try_is_logged(
    db: Database, settings: Settings
) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    assert admin.team_id is not None
    jobs = Followups(db, settings)
    async with running_receiver([500, 500, 200]) as receiver:
        await _webhook(db, settings, admin, receiver)
        (delivery_id,) = await _emit(db, admin.team_id)
        await jobs.drain()
    delivery = await _delivery(db, delivery_id)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        3,
        200,
    )
    assert [entry["statusCode"] for entry in delivery.log] == [500, 500, 200]
    assert delivery.next_attempt_at is None
    assert delivery.last_response is not None
    assert "已接收" in delivery.last_response
    assert len(receiver.requests) == 3
    assert {r.headers["x-warroom-delivery"] for r in receiver.requests} == {delivery_id}
    assert {r.headers["x-warroom-event"] for r in receiver.requests} == {"PROPOSAL_CREATED"}
    assert {r.body for r in receiver.requests} == {delivery.body.encode()}  # the same bytes every time
    assert all(r.signature_ok for r in receiver.requests)
    assert list(receiver.accepted) == [delivery_id]
    sent = receiver.accepted[delivery_id]
    assert (sent["id"], sent["event"], sent["teamId"], sent["data"]) == (
        delivery_id,
        "PROPOSAL_CREATED",
        admin.team_id,
        DATA,
    )


async def test_after_its_window_a_delivery_fails_and_redeliver_sends_it_again(
    db: Database, tmp_path: Path, database_url: str
) -> None:
    # Tries at 0 and 0.2 s; the next would be at 0.6 s, past the 0.5 s window.
    settings = webhook_settings(
        tmp_path, database_url, WARROOM_WEBHOOK_BACKOFF_SECONDS="0.2", WARROOM_WEBHOOK_RETRY_SECONDS="0.5"
    )
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    assert admin.team_id is not None
    jobs = Followups(db, settings)
    async with running_receiver([500, 503]) as receiver:
        await _webhook(db, settings, admin, receiver)
        (delivery_id,) = await _emit(db, admin.team_id)
        await jobs.drain()
        failed = await _delivery(db, delivery_id)
        assert (failed.status, failed.attempts, failed.last_status_code) == (DeliveryStatus.FAILED, 2, 503)
        assert failed.next_attempt_at is None
        assert receiver.accepted == {}

        async with db.transaction() as session:
            again = await webhooks.redeliver(session, admin, delivery_id)
            assert again.status is DeliveryStatus.PENDING
        await jobs.drain()
    delivered = await _delivery(db, delivery_id)
    assert (delivered.status, delivered.attempts) == (DeliveryStatus.DELIVERED, 3)
    assert [entry["statusCode"] for entry in delivered.log] == [500, 503, 200]
    assert list(receiver.accepted) == [delivery_id]  # the same id: a receiver that had it would drop it


async def test_an_address_that_turned_inside_is_refused_at_delivery(
    db: Database, tmp_path: Path, database_url: str
) -> None:
    allowed = webhook_settings(tmp_path, database_url)
    # The same endpoint seen by servers that allow no inside address (as if its name now resolved to one).
    strict = webhook_settings(
        tmp_path, database_url, WARROOM_WEBHOOK_ALLOW_PRIVATE="0", WARROOM_WEBHOOK_RETRY_SECONDS="0.05"
    )
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    assert admin.team_id is not None
    jobs = Followups(db, strict)
    async with running_receiver() as receiver:
        await _webhook(db, allowed, admin, receiver)
        (delivery_id,) = await _emit(db, admin.team_id)
        await jobs.drain()
        assert receiver.requests == []
    delivery = await _delivery(db, delivery_id)
    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.last_status_code is None
    assert delivery.last_error is not None
    assert "loopback" in delivery.last_error


async def test_only_subscribed_webhooks_of_the_team_get_an_event_and_a_rollback_sends_nothing(
    db: Database, settings: Settings
) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    other = await make_user(db, "admin@b.com", role=UserRole.ADMIN, team="Team B")
    assert admin.team_id is not None
    jobs = Followups(db, settings)
    async with running_receiver() as receiver, running_receiver() as elsewhere:
        await _webhook(db, settings, admin, receiver, webhook_events.PAIN_POINT_ADOPTED)
        await _webhook(db, settings, other, elsewhere)
        assert await _emit(db, admin.team_id, webhook_events.PROPOSAL_UPDATED) == []
        with pytest.raises(RuntimeError, match="the change failed"):
            await _failing_change(db, admin.team_id)
        await jobs.drain()
        assert receiver.requests == []
        assert elsewhere.requests == []
        (delivery_id,) = await _emit(db, admin.team_id, webhook_events.PAIN_POINT_ADOPTED)
        await jobs.drain()
    assert list(receiver.accepted) == [delivery_id]
    assert elsewhere.requests == []


async def test_the_secret_is_stored_sealed_and_opens_only_with_its_key(
    db: Database, settings: Settings, tmp_path: Path, database_url: str
) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    async with running_receiver() as receiver:
        hook = await _webhook(db, settings, admin, receiver)
    secret = receiver.secret
    assert secret is not None
    assert secret.startswith("whsec_")
    async with db.sessions() as session:
        row = await session.get_one(Webhook, hook.id)
    assert secret.encode() not in row.secret_sealed
    assert secrets.open_sealed(settings, row.id, row.secret_sealed, row.kek_id) == secret
    elsewhere = webhook_settings(tmp_path / "another-host", database_url)
    secrets.seal(elsewhere, "x", "y")  # that host made a key of its own
    with pytest.raises(secrets.SecretUnavailable, match="no key-encryption key"):
        secrets.open_sealed(elsewhere, row.id, row.secret_sealed, row.kek_id)


async def test_key_rotation_seals_the_secret_again_and_keeps_its_key_while_a_webhook_names_it(
    db: Database, settings: Settings
) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    async with running_receiver() as receiver:
        hook = await _webhook(db, settings, admin, receiver)
    keyring = Keyring.from_settings(settings)
    old = keyring.install(new_key())
    # Materials alone name no key: without the webhooks' count the old key would be deleted here.
    kept = await rotation.rewrap(db, keyring, named_elsewhere=secrets.usage)
    assert (kept.removed, kept.kept) == ([], {old.id: 1})
    assert secrets.open_sealed(settings, hook.id, *await _sealed(db, hook.id)) == receiver.secret

    assert await secrets.reseal_all(db, keyring) == 1
    sealed, kek_id = await _sealed(db, hook.id)
    assert kek_id == keyring.current().id != old.id
    done = await rotation.rewrap(db, keyring, named_elsewhere=secrets.usage)
    assert done.removed == [old.id]
    assert secrets.open_sealed(settings, hook.id, sealed, kek_id) == receiver.secret
    assert await secrets.reseal_all(db, keyring) == 0


async def _sealed(db: Database, webhook_id: str) -> tuple[bytes, str]:
    async with db.sessions() as session:
        row = await session.get_one(Webhook, webhook_id)
        return row.secret_sealed, row.kek_id


async def test_admins_manage_their_own_teams_webhooks_only(db: Database, settings: Settings) -> None:
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    rd = await make_user(db, "rd@a.com", role=UserRole.RD)
    foreign = await make_user(db, "admin@b.com", role=UserRole.ADMIN, team="Team B")
    jobs = Followups(db, settings)
    async with running_receiver([500]) as receiver:
        hook = await _webhook(db, settings, admin, receiver)
        assert admin.team_id is not None
        (delivery_id,) = await _emit(db, admin.team_id)
        await jobs.drain()
    async with db.transaction() as session:
        with pytest.raises(Forbidden):
            await webhooks.team_webhooks(session, rd)
        with pytest.raises(Forbidden):
            await webhooks.create(session, rd, WebhookInput(receiver.url, ["PROPOSAL_CREATED"]), settings)
        for attempt in (
            webhooks.update(session, foreign, hook.id, WebhookInput(description="x"), settings),
            webhooks.remove(session, foreign, hook.id),
            webhooks.deliveries(session, foreign, hook.id, first=10, after=None),
            webhooks.redeliver(session, foreign, delivery_id),
            webhooks.redeliver(session, admin, "not-an-id"),
        ):
            with pytest.raises(NotFound):
                await attempt
        assert await webhooks.team_webhooks(session, foreign) == []
        with pytest.raises(BadInput, match="Unknown events"):
            await webhooks.update(session, admin, hook.id, WebhookInput(events=["CASE_DELETED"]), settings)
        changed = await webhooks.update(
            session,
            admin,
            hook.id,
            WebhookInput(events=["PAIN_POINT_ADOPTED"], description=" 研发 tracker "),
            settings,
        )
        assert (changed.events, changed.description) == (["PAIN_POINT_ADOPTED"], "研发 tracker")
        assert await webhooks.remove(session, admin, hook.id) == hook.id
    async with db.sessions() as session:
        assert (await session.execute(select(WebhookDelivery))).all() == []


async def test_urls_are_checked_when_saved(db: Database, tmp_path: Path, database_url: str) -> None:
    strict = webhook_settings(tmp_path, database_url, WARROOM_WEBHOOK_ALLOW_PRIVATE="0")
    admin = await make_user(db, "admin@a.com", role=UserRole.ADMIN)
    async with db.transaction() as session:
        for url, message in [
            ("http://127.0.0.1:9000/hook", "loopback"),
            ("http://192.168.0.8/hook", "private"),
            ("http://169.254.169.254/latest", "link-local"),
            ("ftp://tracker.example.com/", "Only http and https"),
            ("https://tracker.invalid/hook", "does not resolve"),
        ]:
            with pytest.raises(BadInput, match=message):
                await webhooks.create(session, admin, WebhookInput(url, ["PROPOSAL_CREATED"]), strict)
        with pytest.raises(BadInput, match="at least one event"):
            await webhooks.create(session, admin, WebhookInput("https://93.184.216.34/", []), strict)
        hook, _ = await webhooks.create(
            session, admin, WebhookInput(" https://93.184.216.34/hooks ", ["PROPOSAL_CREATED"]), strict
        )
        assert hook.url == "https://93.184.216.34/hooks"
