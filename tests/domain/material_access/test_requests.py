"""Two-person approval: the request, the customer's authorization and legal's approval, and who may give
which."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from server.domain.errors import BadInput, Conflict, DomainError, Forbidden, NotFound
from server.domain.material_access import grants, reads, requests
from server.domain.material_access.errors import SeparationOfDuties
from server.infra import topics
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import (
    AccessRequestStatus,
    MaterialGrant,
    Notification,
    NotificationKind,
    OutboxKind,
    OutboxMessage,
    User,
)
from tests.domain.material_access.world import ask, granted, make_world

EVIDENCE = "Customer e-mail of 2026-12-01, ref. ACME-4711"


async def _authorize(db: Database, user: User, request_id: str) -> requests.Step:
    async with db.transaction() as session:
        return await requests.authorize(session, user, request_id, EVIDENCE)


async def _approve(db: Database, user: User, request_id: str, **limits: int) -> requests.Step:
    async with db.transaction() as session:
        return await requests.approve(session, user, request_id, **limits)


async def _notes(db: Database, user: User) -> list[Notification]:
    async with db.sessions() as session:
        return list(
            (await session.scalars(select(Notification).where(Notification.user_id == user.id))).all()
        )


async def test_the_grant_exists_once_both_approvals_are_in_in_either_order(db: Database) -> None:
    world = await make_world(db)
    first = await ask(db, world.editor, world.material_id)
    step = await _authorize(db, world.owner, first)
    assert step.grant is None
    assert step.request.status is AccessRequestStatus.PENDING
    step = await _approve(db, world.legal, first, hours=2, downloads=5)
    assert step.request.status is AccessRequestStatus.GRANTED
    assert step.grant is not None
    assert (step.grant.grantee_id, step.grant.downloads_allowed, step.grant.downloads_used) == (
        world.editor.id,
        5,
        0,
    )
    assert (step.grant.expires_at - step.grant.created_at).total_seconds() == 2 * 3600

    # the other order, with the default limits
    second = await ask(db, world.viewer, world.material_id, "Check the drawing dimensions")
    assert (await _approve(db, world.legal, second)).grant is None
    step = await _authorize(db, world.co_owner, second)
    assert step.grant is not None
    assert step.grant.downloads_allowed == requests.DEFAULT_DOWNLOADS
    assert (step.grant.expires_at - step.grant.created_at).total_seconds() == 24 * 3600


async def _bell(db: Database, user: User) -> list[str]:
    """The ids of the notifications whose bell event the outbox holds for `user` (no dispatcher runs here)."""
    async with db.sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == OutboxKind.EVENT,
                OutboxMessage.name == topics.user_notifications(user.id),
            )
        )
        return [row.payload["notificationId"] for row in rows if row.payload["kind"] == "CREATED"]


async def test_owners_and_legal_hear_of_a_request_and_the_requester_of_its_outcome(db: Database) -> None:
    world = await make_world(db)
    request_id = await ask(db, world.editor, world.material_id)
    for person in (world.owner, world.co_owner, world.legal, world.legal_owner):
        notes = await _notes(db, person)
        assert [(n.kind, n.access_request_id) for n in notes] == [
            (NotificationKind.ACCESS_REQUESTED, request_id)
        ]
    # legal who is not on the case gets the notice without the case (it would be hidden otherwise)
    assert (await _notes(db, world.legal))[0].case_id is None
    assert (await _notes(db, world.owner))[0].case_id == world.case_id
    for person in (world.editor, world.viewer, world.foreign_legal, world.teammate):
        assert await _notes(db, person) == []
    await _authorize(db, world.owner, request_id)
    await _approve(db, world.legal, request_id)
    assert [n.kind for n in await _notes(db, world.editor)] == [NotificationKind.ACCESS_GRANTED]

    other = await ask(db, world.viewer, world.material_id)
    async with db.transaction() as session:
        await requests.reject(session, world.legal, other, "客户未同意 / the customer declined")
    assert [n.kind for n in await _notes(db, world.viewer)] == [NotificationKind.ACCESS_REJECTED]
    # every notice rings its recipient's bell, on commit
    for person in (world.owner, world.co_owner, world.legal, world.legal_owner, world.editor, world.viewer):
        assert sorted(await _bell(db, person)) == sorted(n.id for n in await _notes(db, person))
    assert await _bell(db, world.teammate) == []


async def test_the_grantee_hears_that_their_grant_was_revoked_and_by_whom(db: Database) -> None:
    world = await make_world(db)
    request_id, grant_id = await granted(db, world)
    async with db.transaction() as session:
        await grants.revoke(session, world.owner, grant_id)
    notes = await _notes(db, world.editor)
    assert [n.kind for n in notes] == [NotificationKind.ACCESS_GRANTED, NotificationKind.ACCESS_REVOKED]
    revoked = notes[1]
    assert (revoked.actor_id, revoked.case_id, revoked.access_request_id) == (
        world.owner.id,
        world.case_id,
        request_id,
    )
    assert revoked.id in await _bell(db, world.editor)
    # nobody else hears of it: the revoking owner, the other owner, legal
    for person in (world.owner, world.co_owner, world.legal, world.viewer):
        assert NotificationKind.ACCESS_REVOKED not in [n.kind for n in await _notes(db, person)]


async def test_the_requester_can_give_neither_approval(db: Database) -> None:
    world = await make_world(db)
    # an owner who is also legal asks: they may fill neither role on their own request
    request_id = await ask(db, world.legal_owner, world.material_id)
    with pytest.raises(SeparationOfDuties, match="You asked for this access") as refused:
        await _authorize(db, world.legal_owner, request_id)
    assert refused.value.code == "SEPARATION_OF_DUTIES"
    with pytest.raises(SeparationOfDuties, match="You asked for this access"):
        await _approve(db, world.legal_owner, request_id)
    # others can
    await _authorize(db, world.owner, request_id)
    assert (await _approve(db, world.legal, request_id)).grant is not None


@pytest.mark.parametrize("authorize_first", [True, False])
async def test_one_person_never_gives_both_approvals(db: Database, authorize_first: bool) -> None:
    world = await make_world(db)
    request_id = await ask(db, world.editor, world.material_id)
    if authorize_first:
        await _authorize(db, world.legal_owner, request_id)
        with pytest.raises(SeparationOfDuties, match="one person never gives both"):
            await _approve(db, world.legal_owner, request_id)
        step = await _approve(db, world.legal, request_id)
    else:
        await _approve(db, world.legal_owner, request_id)
        with pytest.raises(SeparationOfDuties, match="one person never gives both"):
            await _authorize(db, world.legal_owner, request_id)
        step = await _authorize(db, world.owner, request_id)
    assert step.grant is not None
    assert step.request.authorized_by != step.request.approved_by


async def test_only_legal_approves_and_only_an_owner_authorizes(db: Database) -> None:
    world = await make_world(db)
    request_id = await ask(db, world.editor, world.material_id)
    for not_legal in (world.owner, world.viewer):
        with pytest.raises(Forbidden, match="Only legal"):
            await _approve(db, not_legal, request_id)
    for not_owner in (world.viewer, world.legal):
        with pytest.raises(Forbidden, match="Only an owner"):
            await _authorize(db, not_owner, request_id)
    with pytest.raises(Forbidden, match="Only an owner of the case or legal"):
        async with db.transaction() as session:
            await requests.reject(session, world.viewer, request_id, "no")
    # legal who is not on the case may not ask
    with pytest.raises(Forbidden, match="Only a member"):
        await ask(db, world.legal, world.material_id)


async def test_limits_outside_the_bounds_are_bad_input(db: Database) -> None:
    world = await make_world(db)
    request_id = await ask(db, world.editor, world.material_id)
    for limits in ({"hours": 0}, {"hours": 169}, {"downloads": 0}, {"downloads": 21}):
        with pytest.raises(BadInput, match="must be between"):
            await _approve(db, world.legal, request_id, **limits)
    assert (
        await _approve(db, world.legal, request_id, hours=168, downloads=20)
    ).request.approved_hours == 168
    for blank in ("", "   "):
        with pytest.raises(BadInput, match="Give a reason"):
            await ask(db, world.viewer, world.material_id, blank)


async def test_a_step_is_taken_once_and_a_decided_request_takes_no_more(db: Database) -> None:
    world = await make_world(db)
    request_id = await ask(db, world.editor, world.material_id)
    with pytest.raises(Conflict, match="already asked"):
        await ask(db, world.editor, world.material_id)
    await _authorize(db, world.owner, request_id)
    with pytest.raises(Conflict, match="already recorded"):
        await _authorize(db, world.co_owner, request_id)
    async with db.transaction() as session:
        step = await requests.reject(session, world.owner, request_id, "  客户撤回授权  ")
    assert (step.request.status, step.request.rejection_reason) == (
        AccessRequestStatus.REJECTED,
        "客户撤回授权",
    )
    with pytest.raises(Conflict, match="already rejected"):
        await _approve(db, world.legal, request_id)
    with pytest.raises(Conflict, match="Only a pending request"):
        async with db.transaction() as session:
            await requests.reject(session, world.legal, request_id, "again")
    # a rejected request does not block a new one
    assert await ask(db, world.editor, world.material_id) != request_id


async def test_people_who_may_not_see_the_material_get_not_found_for_everything(db: Database) -> None:
    world = await make_world(db)
    request_id, grant_id = await granted(db, world)
    pending = await ask(db, world.viewer, world.material_id)
    calls: list[Callable[[Any, User], Awaitable[object]]] = [
        lambda s, u: requests.request_access(s, u, world.material_id, "why"),
        lambda s, u: requests.authorize(s, u, pending, EVIDENCE),
        lambda s, u: requests.approve(s, u, pending),
        lambda s, u: requests.reject(s, u, pending, "no"),
        lambda s, u: grants.revoke(s, u, grant_id),
        lambda s, u: reads.request(s, u, request_id),
        lambda s, u: reads.grant(s, u, grant_id),
        lambda s, u: reads.access_log(s, u, world.material_id),
        lambda s, u: reads.requests_page(
            s, u, material_id=world.material_id, status=None, first=10, after=None
        ),
    ]
    for person in (world.outsider, world.foreign_legal, world.teammate):
        for call in calls:
            async with db.transaction() as session:
                with pytest.raises(NotFound) as missing:
                    await call(session, person)
            # the same answer as for an id that does not exist
            assert "is visible to you" in missing.value.message
        async with db.sessions() as session:
            page = await reads.requests_page(
                session, person, material_id=None, status=None, first=10, after=None
            )
            assert page.items == []
    async with db.transaction() as session:
        with pytest.raises(NotFound, match=f"No material with id {world.material_id[:8]}"):
            await requests.request_access(session, world.outsider, world.material_id, "why")
        for missing_id in (new_id(), "not-an-id"):
            with pytest.raises(NotFound):
                await requests.request_access(session, world.editor, missing_id, "why")
            with pytest.raises(NotFound):
                await requests.approve(session, world.legal, missing_id)


async def test_owners_legal_and_the_requester_see_what_waits(db: Database) -> None:
    world = await make_world(db)
    mine = await ask(db, world.editor, world.material_id)
    theirs = await ask(db, world.viewer, world.material_id)
    pending = AccessRequestStatus.PENDING

    async def ids(user: User, **options: Any) -> list[str]:
        async with db.sessions() as session:
            options = {"material_id": None, "status": None, **options}
            page = await reads.requests_page(session, user, first=10, after=None, **options)
            return [r.id for r in page.items]

    assert await ids(world.owner, status=pending) == [theirs, mine]
    assert await ids(world.legal, status=pending) == [theirs, mine]
    assert await ids(world.editor) == [mine]
    assert await ids(world.teammate) == []
    # everyone on the case sees a material's requests
    assert await ids(world.editor, material_id=world.material_id) == [theirs, mine]
    async with db.transaction() as session:
        await requests.reject(session, world.owner, theirs, "not needed")
    assert await ids(world.owner, status=pending) == [mine]
    assert await ids(world.owner, status=AccessRequestStatus.REJECTED) == [theirs]


async def test_racing_approvals_write_one_grant(db: Database) -> None:
    world = await make_world(db)
    for _ in range(3):
        request_id = await ask(db, world.editor, world.material_id)
        results = await asyncio.gather(
            _authorize(db, world.owner, request_id),
            _approve(db, world.legal, request_id),
            _approve(db, world.legal_owner, request_id),
            return_exceptions=True,
        )
        failures = [r for r in results if isinstance(r, BaseException)]
        assert all(isinstance(f, DomainError) for f in failures), failures
        async with db.sessions() as session:
            count = await session.scalar(
                select(func.count()).select_from(MaterialGrant).where(MaterialGrant.request_id == request_id)
            )
            request = await reads.request(session, world.owner, request_id)
        assert count == 1
        assert request.status is AccessRequestStatus.GRANTED
        assert len({request.requested_by, request.authorized_by, request.approved_by}) == 3
