from datetime import timedelta

import pytest
from sqlalchemy import select

from server.domain import users
from server.domain.cases import actions as cases
from server.domain.errors import BadInput, Conflict, Forbidden, NotFound
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import AuditEvent, CaseRole, User
from tests.support.people import make_person, make_user


async def test_owner_adds_members_and_only_members_see_the_case(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    mate = await make_user(db, "mate@a.com")
    stranger = await make_user(db, "stranger@a.com")
    async with db.transaction() as session:
        case = await cases.create_case(session, owner, title="  Big   deal ", customer="ACME")
        await cases.add_member(session, owner, case_id=case.id, member_id=mate.id, role=CaseRole.VIEWER)
    assert case.title == "Big deal"
    async with db.sessions() as session:
        _, membership = await cases.require_member(session, case.id, mate)
        assert membership.role is CaseRole.VIEWER
        with pytest.raises(NotFound):
            await cases.require_member(session, case.id, stranger)
        page = await cases.my_cases(session, stranger, first=10, after=None)
        assert page.items == []
        assert [c.id for c in (await cases.my_cases(session, mate, first=10, after=None)).items] == [case.id]


async def test_only_owners_manage_members_and_a_case_keeps_an_owner(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    editor = await make_user(db, "editor@a.com")
    async with db.transaction() as session:
        case = await cases.create_case(session, owner, title="T", customer="C")
        await cases.add_member(session, owner, case_id=case.id, member_id=editor.id, role=CaseRole.EDITOR)
    async with db.transaction() as session:
        with pytest.raises(Forbidden, match="Only a case owner"):
            await cases.add_member(session, editor, case_id=case.id, member_id=editor.id, role=CaseRole.OWNER)
    async with db.transaction() as session:
        with pytest.raises(BadInput, match="at least one owner"):
            await cases.add_member(session, owner, case_id=case.id, member_id=owner.id, role=CaseRole.EDITOR)


async def test_people_of_another_team_and_unknown_ids_are_not_found(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    outsider = await make_person(db, "out@b.com", team="Team B")
    async with db.transaction() as session:
        case = await cases.create_case(session, owner, title="T", customer="C")
    for member_id in (outsider.id, new_id(), "garbage"):
        async with db.transaction() as session:
            with pytest.raises(NotFound):
                await cases.add_member(
                    session, owner, case_id=case.id, member_id=member_id, role=CaseRole.EDITOR
                )
    async with db.sessions() as session:
        with pytest.raises(NotFound):
            await cases.require_member(session, "not-an-id", owner)


async def test_my_cases_pages_newest_first(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    async with db.transaction() as session:
        made = [(await cases.create_case(session, owner, title=f"T{i}", customer="C")).id for i in range(5)]
    seen: list[str] = []
    after = None
    async with db.sessions() as session:
        while True:
            page = await cases.my_cases(session, owner, first=2, after=after)
            seen += [c.id for c in page.items]
            if not page.has_next:
                break
            after = page.end_cursor
    assert seen == list(reversed(made))


async def test_member_by_token_answers_only_for_a_live_token_of_a_member(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    stranger = await make_user(db, "stranger@a.com")
    async with db.transaction() as session:
        case = await cases.create_case(session, owner, title="T", customer="C")
        live = await users.issue_token(session, owner, timedelta(hours=1))
        expired = await users.issue_token(session, owner, -timedelta(hours=1))
        revoked = await users.issue_token(session, owner, timedelta(hours=1))
        outsider = await users.issue_token(session, stranger, timedelta(hours=1))
        await users.logout(session, revoked.token)
    async with db.sessions() as session:
        found = await cases.member_by_token(session, case.id, live.token)
        assert found is not None
        signed, found_case, member = found
        assert (signed.user.id, found_case.id, member.role) == (owner.id, case.id, CaseRole.OWNER)
        for token in (expired.token, revoked.token, outsider.token, "made-up"):
            assert await cases.member_by_token(session, case.id, token) is None
        for case_id in (new_id(), "garbage"):
            assert await cases.member_by_token(session, case_id, live.token) is None
    async with db.transaction() as session:
        account = await session.get(User, owner.id)
        assert account is not None
        account.active = False
    async with db.sessions() as session:
        assert await cases.member_by_token(session, case.id, live.token) is None


async def test_only_owners_archive_and_unarchive_and_each_is_audited(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    editor = await make_user(db, "editor@a.com")
    stranger = await make_user(db, "stranger@a.com")
    async with db.transaction() as session:
        case = await cases.create_case(session, owner, title="T", customer="C")
        await cases.add_member(session, owner, case_id=case.id, member_id=editor.id, role=CaseRole.EDITOR)
    async with db.transaction() as session:
        with pytest.raises(Forbidden, match="Only a case owner"):
            await cases.set_archived(session, editor, case.id, archived=True)
        with pytest.raises(NotFound):
            await cases.set_archived(session, stranger, case.id, archived=True)
    async with db.transaction() as session:
        archived = await cases.set_archived(session, owner, case.id, archived=True)
    assert archived.archived_at is not None
    assert archived.archived_by == owner.id
    async with db.transaction() as session:
        with pytest.raises(Conflict, match="archived already"):
            await cases.set_archived(session, owner, case.id, archived=True)
    async with db.transaction() as session:
        restored = await cases.set_archived(session, owner, case.id, archived=False)
    assert (restored.archived_at, restored.archived_by) == (None, None)
    async with db.transaction() as session:
        with pytest.raises(Conflict, match="not archived already"):
            await cases.set_archived(session, owner, case.id, archived=False)
    async with db.sessions() as session:
        events = await session.execute(
            select(AuditEvent.action, AuditEvent.actor_id)
            .where(AuditEvent.subject == case.id, AuditEvent.action.like("case.%archived"))
            .order_by(AuditEvent.seq)
        )
        assert events.all() == [("case.archived", owner.id), ("case.unarchived", owner.id)]
