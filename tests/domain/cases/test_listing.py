"""The case list: search in Chinese and English, filters, previews and the last edit, members only."""

from typing import Any

import pytest

from server.domain.cases import actions as cases
from server.domain.cases import listing
from server.domain.documents import texts
from server.domain.documents.search_text import index_document_text
from server.domain.errors import BadInput
from server.infra.db import Database
from server.models import CaseRole, User
from tests.support.documents import write
from tests.support.people import make_user


async def _case(db: Database, owner: User, title: str, customer: str, *members: tuple[User, CaseRole]) -> str:
    async with db.transaction() as session:
        case = await cases.create_case(session, owner, title=title, customer=customer)
        for user, role in members:
            await cases.add_member(session, owner, case_id=case.id, member_id=user.id, role=role)
        return case.id


async def _titles(db: Database, user: User, **wanted: Any) -> list[str]:
    async with db.sessions() as session:
        page = await listing.list_cases(session, user, listing.filters(**wanted), first=50, after=None)
    return [item.case.title for item in page.items]


async def _index(db: Database, case_id: str, body: str, position: int = 1) -> None:
    async with db.transaction() as session:
        await texts.store_text(session, case_id, body, position)


async def test_search_finds_chinese_substrings_and_english_words_in_any_case(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    hospital = await _case(db, owner, "手术室紧急故障处置", "协和医院")
    renewal = await _case(db, owner, "Renewal risk", "Contoso Ltd")
    plant = await _case(db, owner, "产线升级", "深圳电子")
    await _index(db, plant, "客户反馈：贴片机频繁停机，需要远程诊断。\nMES integration pending")
    await _index(db, renewal, "The CFO asked for a 10% discount_rate review.")

    assert await _titles(db, owner, query="故障") == ["手术室紧急故障处置"]  # inside a title, no spaces
    assert await _titles(db, owner, query="远程诊断") == ["产线升级"]  # inside the document text
    assert await _titles(db, owner, query="医院") == ["手术室紧急故障处置"]  # the customer
    assert await _titles(db, owner, query="renewal") == ["Renewal risk"]
    assert await _titles(db, owner, query="CONTOSO") == ["Renewal risk"]
    assert await _titles(db, owner, query="mes INTEGRATION") == ["产线升级"]  # every word, anywhere
    assert await _titles(db, owner, query="mes 故障") == []
    # LIKE's wildcards are plain characters in a search.
    assert await _titles(db, owner, query="10%") == ["Renewal risk"]
    assert await _titles(db, owner, query="_rate") == ["Renewal risk"]
    assert await _titles(db, owner, query="%") == ["Renewal risk"]
    assert await _titles(db, owner, query="   ") == ["产线升级", "Renewal risk", "手术室紧急故障处置"]
    assert hospital


async def test_a_non_member_never_finds_a_case(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    viewer = await make_user(db, "viewer@a.com")
    stranger = await make_user(db, "stranger@a.com")
    shared = await _case(db, owner, "手术室紧急故障处置", "协和医院", (viewer, CaseRole.VIEWER))
    await _index(db, shared, "secret 故障 notes")
    await _case(db, owner, "Private pipeline", "协和医院")
    for query in ("故障", "secret", "协和医院", "Private"):
        assert await _titles(db, stranger, query=query) == []
    assert await _titles(db, stranger, archived=None) == []
    assert await _titles(db, viewer, query="协和医院") == ["手术室紧急故障处置"]
    async with db.sessions() as session:
        assert await listing.customers(session, stranger) == []
        assert await listing.customers(session, viewer) == ["协和医院"]
        assert await listing.details(session, stranger, [shared]) == {}


async def test_filters_by_customer_role_and_archived(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    mate = await make_user(db, "mate@a.com")
    a = await _case(db, owner, "A", "Contoso", (mate, CaseRole.EDITOR))
    await _case(db, owner, "B", "深圳电子", (mate, CaseRole.VIEWER))
    await _case(db, mate, "C", "Contoso")
    assert await _titles(db, mate, customer="Contoso") == ["C", "A"]
    assert await _titles(db, mate, customer="contoso") == []  # the filter picks one customer exactly
    assert await _titles(db, mate, role=CaseRole.VIEWER) == ["B"]
    assert await _titles(db, mate, role=CaseRole.OWNER, customer="Contoso") == ["C"]
    async with db.transaction() as session:
        await cases.set_archived(session, owner, a, archived=True)
    assert await _titles(db, mate) == ["C", "B"]
    assert await _titles(db, mate, archived=True) == ["A"]
    assert await _titles(db, mate, archived=None) == ["C", "B", "A"]
    async with db.sessions() as session:
        assert await listing.customers(session, mate) == ["Contoso", "深圳电子"]


async def test_pages_keep_their_filters(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    for n in range(5):
        await _case(db, owner, f"故障 {n}", "协和医院")
        await _case(db, owner, f"Other {n}", "Contoso")
    seen: list[str] = []
    after = None
    async with db.sessions() as session:
        while True:
            page = await listing.list_cases(
                session, owner, listing.filters(query="故障"), first=2, after=after
            )
            seen += [item.case.title for item in page.items]
            if not page.has_next:
                break
            after = page.end_cursor
    assert seen == [f"故障 {n}" for n in reversed(range(5))]


def test_bad_filters_are_refused() -> None:
    with pytest.raises(BadInput, match="at most 200 characters"):
        listing.filters(query="故" * 201)
    with pytest.raises(BadInput, match="at most 10 words"):
        listing.filters(query=" ".join("w" * 11))
    with pytest.raises(BadInput, match="customer name"):
        listing.filters(customer="c" * 301)
    assert listing.filters(query="  a   b ").words == ["a", "b"]


async def test_preview_and_last_edit_follow_the_document(db: Database) -> None:
    owner = await make_user(db, "wang@a.com", name="王芳")
    editor = await make_user(db, "alice@a.com", name="Alice Chen")
    case_id = await _case(db, owner, "T", "C", (editor, CaseRole.EDITOR))
    async with db.sessions() as session:
        fresh = (await listing.details(session, owner, [case_id]))[case_id]
    assert (fresh.preview, fresh.last_edited_at, fresh.last_editor) == ("", None, None)

    await write(db, case_id, owner.id, "第一段：客户背景", "", "Second line", "Third", "Fourth is not shown")
    await write(db, case_id, editor.id, "Added by Alice")
    assert await index_document_text({"db": db}, case_id) == 2
    async with db.sessions() as session:
        listed = (await listing.details(session, owner, [case_id]))[case_id]
    assert listed.preview == "第一段：客户背景\nSecond line\nThird"
    assert listed.last_editor is not None
    assert listed.last_editor.name == "Alice Chen"
    assert listed.last_edited_at is not None
    assert await _titles(db, owner, query="added BY alice") == ["T"]


def test_a_long_preview_is_cut() -> None:
    assert listing.preview_of("字" * 500) == "字" * (listing.PREVIEW_CHARS - 1) + "…"
    assert listing.preview_of("\n\n  a  \n\nb\n") == "a\nb"


async def test_an_older_text_never_replaces_a_newer_one(db: Database) -> None:
    owner = await make_user(db, "owner@a.com")
    case_id = await _case(db, owner, "T", "C")
    await _index(db, case_id, "newer", position=5)
    await _index(db, case_id, "older", position=3)
    assert await _titles(db, owner, query="newer") == ["T"]
    assert await _titles(db, owner, query="older") == []
    await _index(db, case_id, "newest", position=5)
    assert await _titles(db, owner, query="newest") == ["T"]
