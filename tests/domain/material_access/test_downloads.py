"""Counting reads under a grant: plain downloads, viewings of ranged reads, and what a refusal names."""

import asyncio

import pytest
from sqlalchemy import select

from server.domain.errors import DomainError
from server.domain.material_access import downloads, grants, reads, requests
from server.domain.material_access.errors import NoGrant
from server.infra.db import Database
from server.models import MaterialGrant, User
from tests.domain.material_access.world import World, ask, expire, granted, make_world


async def _start(
    db: Database, world: World, user: User | None = None, *, ranged: bool = False
) -> downloads.Download:
    async with db.transaction() as session:
        return await downloads.start(
            session,
            user or world.editor,
            world.material_id,
            ranged=ranged,
            range_text="bytes=0-" if ranged else None,
        )


async def _finish(db: Database, world: World, download: downloads.Download, sent: int) -> None:
    async with db.transaction() as session:
        await downloads.finish(session, world.editor.id, download, sent=sent, complete=True, range_text=None)


async def _refusal(db: Database, world: World, user: User | None = None) -> NoGrant:
    async with db.transaction() as session:
        with pytest.raises(NoGrant) as refused:
            await downloads.readable(session, user or world.editor, world.material_id, ranged=False)
    async with db.transaction() as session:
        with pytest.raises(NoGrant) as again:
            await downloads.start(
                session, user or world.editor, world.material_id, ranged=False, range_text=None
            )
    assert again.value.missing == refused.value.missing
    assert refused.value.code == "NO_GRANT"
    return refused.value


async def _used(db: Database, grant_id: str) -> int:
    async with db.sessions() as session:
        return (await session.get_one(MaterialGrant, grant_id)).downloads_used


async def test_a_refusal_names_what_is_missing(db: Database) -> None:
    world = await make_world(db)
    assert (await _refusal(db, world)).missing == [
        "ACCESS_REQUEST",
        "CUSTOMER_AUTHORIZATION",
        "LEGAL_APPROVAL",
    ]
    request_id = await ask(db, world.editor, world.material_id)
    refusal = await _refusal(db, world)
    assert refusal.missing == ["CUSTOMER_AUTHORIZATION", "LEGAL_APPROVAL"]
    assert "the customer's authorization and legal's approval" in refusal.message
    async with db.transaction() as session:
        await requests.approve(session, world.legal, request_id)
    assert (await _refusal(db, world)).missing == ["CUSTOMER_AUTHORIZATION"]
    async with db.transaction() as session:
        await requests.reject(session, world.owner, request_id, "客户拒绝")
    refusal = await _refusal(db, world)
    assert refusal.missing == ["ACCESS_REQUEST"]
    assert "客户拒绝" in refusal.message


async def test_downloads_are_counted_up_to_the_limit(db: Database) -> None:
    world = await make_world(db)
    _, grant_id = await granted(db, world, downloads=2)
    for used in (1, 2):
        download = await _start(db, world)
        assert download.counted
        assert await _used(db, grant_id) == used
    assert (await _refusal(db, world)).missing == ["DOWNLOADS_USED_UP"]
    # a grant is its grantee's alone
    async with db.transaction() as session:
        with pytest.raises(NoGrant):
            await downloads.start(session, world.owner, world.material_id, ranged=False, range_text=None)


async def test_parallel_downloads_never_exceed_the_count(db: Database) -> None:
    world = await make_world(db)
    _, grant_id = await granted(db, world, downloads=3)
    results = await asyncio.gather(*(_start(db, world) for _ in range(8)), return_exceptions=True)
    started = [r for r in results if isinstance(r, downloads.Download)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, NoGrant) for r in refused), refused
    assert len(started) == 3
    assert await _used(db, grant_id) == 3


async def test_ranged_reads_of_one_viewing_count_once_up_to_twice_the_size(db: Database) -> None:
    world = await make_world(db)  # the material has 1000 bytes
    _, grant_id = await granted(db, world, downloads=2)
    first = await _start(db, world, ranged=True)
    assert first.counted
    await _finish(db, world, first, 600)
    for _ in range(3):  # a player seeking: each read continues the viewing
        seek = await _start(db, world, ranged=True)
        assert not seek.counted
        await _finish(db, world, seek, 400)
    assert await _used(db, grant_id) == 1
    # 1800 bytes sent: still under the budget of 2000
    assert not (await _start(db, world, ranged=True)).counted
    async with db.transaction() as session:
        grant = await session.get_one(MaterialGrant, grant_id)
        grant.viewing_bytes = 2000
    # the budget is spent: the next ranged read opens a new viewing, and counts
    assert (await _start(db, world, ranged=True)).counted
    assert await _used(db, grant_id) == 2
    # a plain download always counts
    assert (await _refusal(db, world)).missing == ["DOWNLOADS_USED_UP"]
    # while a viewing is open, ranged reads go on even with no downloads left
    assert not (await _start(db, world, ranged=True)).counted


async def test_expired_and_revoked_grants_refuse_reads(db: Database) -> None:
    world = await make_world(db)
    _, grant_id = await granted(db, world)
    download = await _start(db, world)
    await expire(db, grant_id)
    assert (await _refusal(db, world)).missing == ["GRANT_EXPIRED"]
    async with db.sessions() as session:
        assert not await downloads.still_live(session, grant_id)

    _, grant_id = await granted(db, world)
    assert (await _start(db, world)).counted
    async with db.sessions() as session:
        assert await downloads.still_live(session, grant_id)
    with pytest.raises(DomainError, match="Only an owner of the case or legal"):
        async with db.transaction() as session:
            await grants.revoke(session, world.editor, grant_id)
    async with db.transaction() as session:
        revoked = await grants.revoke(session, world.legal, grant_id)
    assert (revoked.revoked_by, grants.state(revoked)) == (world.legal.id, grants.GrantState.REVOKED)
    refusal = await _refusal(db, world)
    assert refusal.missing == ["GRANT_REVOKED"]
    assert "revoked" in refusal.message
    async with db.sessions() as session:
        assert not await downloads.still_live(session, grant_id)
        assert await reads.my_grants(session, world.editor, live_only=True) == []
        assert len(await reads.my_grants(session, world.editor, live_only=False)) == 2
    assert download.counted


async def test_the_access_log_lists_every_step_for_owners_and_legal_only(db: Database) -> None:
    world = await make_world(db)
    request_id, grant_id = await granted(db, world)
    download = await _start(db, world)
    async with db.transaction() as session:
        await downloads.finish(
            session, world.editor.id, download, sent=321, complete=False, range_text=None, stopped="client"
        )
    async with db.transaction() as session:
        await grants.revoke(session, world.owner, grant_id)
    rejected = await ask(db, world.viewer, world.material_id)
    async with db.transaction() as session:
        await requests.reject(session, world.legal, rejected, "不需要原件")
    for reader in (world.owner, world.legal, world.legal_owner):
        async with db.sessions() as session:
            log = await reads.access_log(session, reader, world.material_id)
        assert [event.action for event in log] == [
            "material.access_requested",
            "material.access_authorized",
            "material.access_approved",
            "material.access_granted",
            "material.download_started",
            "material.downloaded",
            "material.access_revoked",
            "material.access_requested",
            "material.access_rejected",
        ]
        assert log[5].data["bytes"] == 321
        assert log[5].data["complete"] is False
        assert {event.data["request_id"] for event in log[:7]} == {request_id}
    for not_allowed in (world.editor, world.viewer):
        async with db.sessions() as session:
            with pytest.raises(DomainError, match="Only an owner of the case or legal") as refused:
                await reads.access_log(session, not_allowed, world.material_id)
        assert refused.value.code == "FORBIDDEN"
    async with db.sessions() as session:
        count = len((await session.scalars(select(MaterialGrant))).all())
    assert count == 1
