"""`syncTicket`: only a member of the case gets one; it lives WARROOM_SYNC_TICKET_SECONDS; only its hash is kept."""

from datetime import datetime, timedelta

from sqlalchemy import select

from server.infra import auth
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import SyncTicket
from server.models.base import utcnow
from tests.support.graphql import GraphQL
from tests.support.people import PASSWORD, make_person
from tests.support.tickets import SYNC_TICKET


async def _signed_in(api: GraphQL, db: Database, email: str) -> str:
    await make_person(db, email)
    return await api.login(email, PASSWORD)


async def test_a_member_gets_a_short_lived_ticket_stored_as_its_hash(api: GraphQL, app_db: Database) -> None:
    owner = await _signed_in(api, app_db, "ana@a.com")
    case_id = await api.create_case(owner, "华东物流", "East China Logistics")
    minted = (await api.data(SYNC_TICKET, {"c": case_id}, owner))["syncTicket"]
    expires_at = datetime.fromisoformat(minted["expiresAt"])
    assert timedelta(seconds=55) < expires_at - utcnow() <= timedelta(seconds=60)
    again = (await api.data(SYNC_TICKET, {"c": case_id}, owner))["syncTicket"]
    assert again["ticket"] != minted["ticket"]
    async with app_db.sessions() as session:
        stored = (await session.scalars(select(SyncTicket.ticket_hash))).all()
    assert sorted(stored) == sorted(auth.token_digest(t["ticket"]) for t in (minted, again))


async def test_only_a_member_with_a_valid_token_gets_one(api: GraphQL, app_db: Database) -> None:
    owner = await _signed_in(api, app_db, "ana@a.com")
    stranger = await _signed_in(api, app_db, "ben@a.com")
    case_id = await api.create_case(owner, "A case", "ACME")
    nowhere = new_id()
    refused = await api.error(SYNC_TICKET, {"c": case_id}, stranger)
    missing = await api.error(SYNC_TICKET, {"c": nowhere}, stranger)
    assert refused.codes == missing.codes == ["NOT_FOUND"]
    # Not a member and no such case read the same: ids leak nothing.
    assert refused.errors[0]["message"].replace(case_id, "?") == missing.errors[0]["message"].replace(
        nowhere, "?"
    )
    assert (await api.error(SYNC_TICKET, {"c": case_id})).codes == ["UNAUTHENTICATED"]
    assert (await api.error(SYNC_TICKET, {"c": case_id}, "forged")).codes == ["UNAUTHENTICATED"]
    await api.data("mutation { logout }", token=owner)
    assert (await api.error(SYNC_TICKET, {"c": case_id}, owner)).codes == ["UNAUTHENTICATED"]
    async with app_db.sessions() as session:
        assert (await session.scalars(select(SyncTicket))).all() == []


async def test_expired_tickets_are_swept_when_new_ones_are_minted(api: GraphQL, app_db: Database) -> None:
    owner = await _signed_in(api, app_db, "ana@a.com")
    case_id = await api.create_case(owner, "A case", "ACME")
    old = (await api.data(SYNC_TICKET, {"c": case_id}, owner))["syncTicket"]["ticket"]
    async with app_db.transaction() as session:
        row = await session.get_one(SyncTicket, auth.token_digest(old))
        row.expires_at = utcnow() - timedelta(seconds=1)
    await api.data(SYNC_TICKET, {"c": case_id}, owner)
    async with app_db.sessions() as session:
        assert await session.get(SyncTicket, auth.token_digest(old)) is None
