"""Materials in GraphQL: `Case.materials`, `material(id)` and the uploader's `updateMaterialSummary`."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from server.models import AuditEvent, Material, SummaryStatus
from tests.support import materials as m
from tests.support.live import Live, live_server

LIST = """query($c: ID!) { case(id: $c) { materials { id name size contentType sha256 note summary summaryStatus
  durationSeconds uploadedAt uploadedBy { id name } } } }"""
ONE = "query($id: ID!) { material(id: $id) { id caseId name size summary summaryEditedAt } }"
EDIT = """mutation($id: ID!, $s: String!) { updateMaterialSummary(id: $id, summary: $s) {
  id summary summaryStatus summaryEditedAt } }"""


@pytest.fixture
async def live(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    async with live_server(sqlite_url, tmp_path) as running:
        yield running


async def _upload(
    live: Live, case_id: str, token: str, name: str, data: bytes, note: str | None = None
) -> str:
    response = await m.upload(live.gql.client, case_id, token, m.form(name=name, data=data, note=note))
    assert response.status_code == 201, response.text
    material_id: str = response.json()["id"]
    return material_id


async def test_members_see_materials_newest_first_and_others_nothing(live: Live) -> None:
    case = await live.case(editor="EDITOR", viewer="VIEWER")
    outsider = await live.member(team="Team B")
    first = await _upload(
        live, case.id, case.owner.token, "需求说明.md", "# 需求\n交付周期两周\n".encode(), "第一版"
    )
    second = await _upload(live, case.id, case.members["editor"].token, "notes.txt", b"English notes\n")

    async def ready() -> bool:
        async with live.db.sessions() as session:
            statuses = (await session.execute(select(Material.summary_status))).scalars().all()
        return all(status is SummaryStatus.READY for status in statuses)

    assert await m.eventually(ready)
    listed = (await live.gql.data(LIST, {"c": case.id}, case.members["viewer"].token))["case"]["materials"]
    assert [item["id"] for item in listed] == [second, first]
    assert listed[1]["name"] == "需求说明.md"
    assert listed[1]["note"] == "第一版"
    assert listed[1]["size"] == len("# 需求\n交付周期两周\n".encode())
    assert listed[1]["sha256"] == hashlib.sha256("# 需求\n交付周期两周\n".encode()).hexdigest()
    assert listed[1]["summaryStatus"] == "READY"
    assert listed[1]["uploadedBy"]["id"] == case.owner.person.id
    assert listed[0]["uploadedBy"]["id"] == case.members["editor"].person.id

    one = (await live.gql.data(ONE, {"id": first}, case.members["viewer"].token))["material"]
    assert (one["id"], one["caseId"]) == (first, case.id)
    assert (await live.gql.error(ONE, {"id": first}, outsider.token)).codes == ["NOT_FOUND"]
    assert (await live.gql.error(LIST, {"c": case.id}, outsider.token)).codes == ["NOT_FOUND"]

    # Sizes past GraphQL's Int (2^31 - 1) come through whole.
    async with live.db.transaction() as session:
        await session.execute(update(Material).where(Material.id == first).values(size=3 * 1024**3))
    assert (await live.gql.data(ONE, {"id": first}, case.owner.token))["material"]["size"] == 3 * 1024**3


async def test_only_the_uploader_rewords_a_summary_and_the_audit_keeps_no_text(live: Live) -> None:
    case = await live.case(editor="EDITOR")
    material_id = await _upload(live, case.id, case.members["editor"].token, "call.txt", b"call notes\n")
    outsider = await live.member(team="Team B")
    wording = "客户关心交付周期；联系人电话已隐去。"

    refused = await live.gql.error(EDIT, {"id": material_id, "s": wording}, case.owner.token)
    assert refused.codes == ["FORBIDDEN"]
    assert (await live.gql.error(EDIT, {"id": material_id, "s": wording}, outsider.token)).codes == [
        "NOT_FOUND"
    ]
    edited = (await live.gql.data(EDIT, {"id": material_id, "s": wording}, case.members["editor"].token))[
        "updateMaterialSummary"
    ]
    assert edited["summary"] == wording
    assert edited["summaryStatus"] == "READY"
    assert edited["summaryEditedAt"]

    async with live.db.sessions() as session:
        event = (
            await session.execute(select(AuditEvent).where(AuditEvent.action == "material.summary_edited"))
        ).scalar_one()
        material = await session.get_one(Material, material_id)
    assert event.actor_id == case.members["editor"].person.id
    assert event.subject == material_id
    assert event.data["after_length"] == len(wording)
    assert event.data["after_sha256"] == hashlib.sha256(wording.encode()).hexdigest()
    assert wording not in str(event.data)
    # Stored sealed like the file; the summary job, had it run late, leaves the uploader's wording alone.
    assert material.summary_sealed is not None
    assert wording.encode() not in material.summary_sealed
    assert material.summary_edited_by == case.members["editor"].person.id
    read = (await live.gql.data(ONE, {"id": material_id}, case.owner.token))["material"]
    assert read["summary"] == wording
