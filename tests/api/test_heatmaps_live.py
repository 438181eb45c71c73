"""A real session: two signed-in members type under their own headings on a real server, one deletes
part of the other's text; the debounced job counts it and both heatmaps show whose text survives where."""

import asyncio
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pycrdt import XmlElement, XmlText
from sqlalchemy import select

from server.models import HeatmapState
from tests.support.live import Live, live_pair, live_server
from tests.support.ysocket import YSocket

SECTIONS = """query($c: ID!) { sectionHeatmap(caseId: $c) {
  computedAt stale sections { title level totalChars } rows { user { name } chars cells { section chars } } } }"""
CONTRIBUTIONS = """query($c: ID!) { contributionHeatmap(caseId: $c) {
  stale rows { user { name } cells { counts { kind count } } } } }"""


@pytest.fixture
async def live(database_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    async with live_server(database_url, tmp_path, {"WARROOM_HEATMAP_DELAY_SECONDS": "0.3"}) as running:
        yield running


def _write_section(client: YSocket, title: str, level: object, text: str) -> None:
    with client.doc.transaction():
        # pycrdt's stubs say attributes are strings; Yjs (and pycrdt at run time) take any JSON value.
        attributes: Any = {"level": level}
        client.body.children.append(XmlElement("heading", attributes, [XmlText(title)]))
        client.body.children.append(XmlElement("paragraph", {}, [XmlText(text)]))


def _paragraph(client: YSocket, index: int) -> XmlText:
    element = client.body.children[index]
    assert isinstance(element, XmlElement)
    text = element.children[0]
    assert isinstance(text, XmlText)
    return text


async def _stored_version(live: Live, case_id: str) -> int | None:
    async with live.db.sessions() as session:
        version: int | None = await session.scalar(
            select(HeatmapState.version).where(HeatmapState.case_id == case_id)
        )
        return version


async def _settled(live: Live, case_id: str, token: str, timeout: float = 20.0) -> dict[str, Any]:
    async with asyncio.timeout(timeout):
        while True:
            data: dict[str, Any] = (await live.gql.data(SECTIONS, {"c": case_id}, token))["sectionHeatmap"]
            if not data["stale"]:
                return data
            await asyncio.sleep(0.2)


async def test_each_authors_surviving_text_lands_in_their_section(live: Live) -> None:
    case = await live.case(alice="EDITOR", bob="EDITOR")
    alice_member, bob_member = case.members["alice"], case.members["bob"]
    alice = await YSocket.connect(await live.sync_url(case.id, alice_member.token))
    bob = await YSocket.connect(await live.sync_url(case.id, bob_member.token))
    await asyncio.gather(alice.synced.wait(), bob.synced.wait())

    # Tiptap writes heading levels as numbers; older documents hold strings.
    _write_section(alice, "Alice's part", 2, "alpha beta gamma delta")
    await bob.wait_text("alpha beta gamma delta")
    _write_section(bob, "Bob's part", "3", "one two three")
    del _paragraph(bob, 1)[6:11]  # Bob deletes Alice's "beta "
    await alice.wait_text("one two three")
    await alice.wait_text("alpha gamma delta")
    paragraph = _paragraph(alice, 1)
    paragraph.insert(len(str(paragraph)), " epsilon")
    await bob.wait_text("alpha gamma delta epsilon")

    # The debounced job runs because of the activity, before anyone asks for a heatmap.
    async with asyncio.timeout(20):
        while await _stored_version(live, case.id) is None:
            await asyncio.sleep(0.1)

    sections = await _settled(live, case.id, case.owner.token)
    alice_name, bob_name = (
        alice_member.person.email.split("@")[0].title(),
        bob_member.person.email.split("@")[0].title(),
    )
    assert [(s["title"], s["level"], s["totalChars"]) for s in sections["sections"]] == [
        ("Alice's part", 2, len("Alice's part") + len("alpha gamma delta epsilon")),
        ("Bob's part", 3, len("Bob's part") + len("one two three")),
    ]
    assert [(r["user"]["name"], r["chars"], r["cells"]) for r in sections["rows"]] == [
        (alice_name, 37, [{"section": 0, "chars": 37}]),
        (bob_name, 23, [{"section": 1, "chars": 23}]),
    ]

    contributions = (await live.gql.data(CONTRIBUTIONS, {"c": case.id}, bob_member.token))[
        "contributionHeatmap"
    ]
    totals = {
        row["user"]["name"]: {c["kind"]: c["count"] for cell in row["cells"] for c in cell["counts"]}
        for row in contributions["rows"]
    }
    assert totals == {
        alice_name: {
            "DOC_CHARS_INSERTED": len("Alice's part") + len("alpha beta gamma delta") + len(" epsilon")
        },
        bob_name: {"DOC_CHARS_INSERTED": len("Bob's part") + len("one two three"), "DOC_CHARS_DELETED": 5},
    }

    picture = await live.gql.client.get(
        f"/cases/{case.id}/heatmap.svg",
        params={"kind": "sections"},
        headers={"authorization": f"Bearer {alice_member.token}"},
    )
    assert picture.status_code == 200
    assert picture.headers["content-type"] == "image/svg+xml; charset=utf-8"
    texts = {element.text for element in ET.fromstring(picture.content).iter() if element.text}
    assert {alice_name, bob_name, "Alice's part", "Bob's part"} <= texts
    await alice.close()
    await bob.close()


async def test_two_servers_count_every_update_once(postgres_url: str, tmp_path: Path) -> None:
    # Each server stores its own clients' updates and runs its own heatmap jobs on the shared database.
    async with live_pair(postgres_url, tmp_path, WARROOM_HEATMAP_DELAY_SECONDS="0.2") as (one, two):
        case = await one.case(mate="EDITOR")
        left = await YSocket.connect(await one.sync_url(case.id, case.owner.token))
        right = await YSocket.connect(await two.sync_url(case.id, case.members["mate"].token))
        await asyncio.gather(left.synced.wait(), right.synced.wait())
        _write_section(left, "Left", 2, "")
        await right.wait_text("Left")
        _write_section(right, "Right", 2, "")
        await left.wait_text("Right")
        for i in range(40):
            _paragraph(left, 1).insert(0, "l")
            _paragraph(right, 3).insert(0, "r")
            await asyncio.sleep(0.02 if i % 10 else 0.3)
        await left.wait_text("r" * 40)
        await right.wait_text("l" * 40)

        sections = await _settled(two, case.id, case.owner.token)
        owner, mate = case.owner.person.email, case.members["mate"].person.email
        assert [(r["user"]["name"], r["chars"]) for r in sections["rows"]] == [
            (mate.split("@")[0].title(), len("Right") + 40),
            (owner.split("@")[0].title(), len("Left") + 40),
        ]
        contributions = (await one.gql.data(CONTRIBUTIONS, {"c": case.id}, case.owner.token))[
            "contributionHeatmap"
        ]
        assert sorted(
            sum(c["count"] for cell in row["cells"] for c in cell["counts"]) for row in contributions["rows"]
        ) == [len("Left") + 40, len("Right") + 40]
        await left.close()
        await right.close()
