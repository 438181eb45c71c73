"""Versions through GraphQL: name, list, read, compare and restore, with the roles each needs."""

import asyncio

import pytest
from pycrdt import XmlElement, XmlText

from server.domain.documents import store as documents
from server.domain.documents.text import body
from server.infra.db import Database
from server.models.base import utcnow
from tests.support.crew import Crew
from tests.support.documents import write
from tests.support.graphql import GraphQL

FIELDS = "id kind label auto size createdAt restoredFromId author { id name } text"
CREATE = f"mutation($c: ID!, $l: String!) {{ createSnapshot(caseId: $c, label: $l) {{ {FIELDS} }} }}"
LIST = (
    "query($c: ID!, $first: Int, $after: String) { snapshots(caseId: $c, first: $first, after: $after) "
    f"{{ nodes {{ {FIELDS} }} pageInfo {{ hasNextPage endCursor }} }} }}"
)
RESTORE = f"mutation($s: ID!) {{ restoreSnapshot(snapshotId: $s) {{ changed restored {{ id }} before {{ {FIELDS} }} }} }}"
DIFF = (
    "query($f: ID!, $t: ID) { snapshotDiff(fromId: $f, toId: $t) { from { id label } to { id } insertedWords "
    "deletedWords credited authors { id } changes { kind fromStart fromEnd toStart toEnd "
    "segments { op text authors { id } } } } }"
)


@pytest.fixture
async def team(api: GraphQL, app_db: Database) -> Crew:
    crew = Crew(api, app_db)
    for name in ("owner", "editor", "commenter", "viewer", "stranger"):
        await crew.add(name)
    return crew


async def _case(team: Crew) -> str:
    case_id = await team.api.create_case(team.tokens["owner"])
    for role in ("editor", "commenter", "viewer"):
        await team.api.add_member(team.tokens["owner"], case_id, team.people[role].id, role.upper())
    return case_id


async def test_name_list_and_read_versions(team: Crew) -> None:
    api = team.api
    case_id = await _case(team)
    await write(team.db, case_id, team.people["editor"].id, "First draft", "需要更快的交付")
    created = (await api.data(CREATE, {"c": case_id, "l": "Kick-off"}, team.tokens["editor"]))[
        "createSnapshot"
    ]
    assert created["label"] == "Kick-off"
    assert created["kind"] == "NAMED"
    assert created["auto"] is False
    assert created["author"]["id"] == team.people["editor"].id
    assert created["text"] == "First draft\n需要更快的交付"
    assert created["size"] > 0
    assert created["createdAt"].endswith("+00:00")
    await write(team.db, case_id, team.people["owner"].id, "Second thoughts")
    await api.data(CREATE, {"c": case_id, "l": "Review"}, team.tokens["owner"])

    listed = (await api.data(LIST, {"c": case_id}, team.tokens["viewer"]))["snapshots"]
    assert [n["label"] for n in listed["nodes"]] == ["Review", "Kick-off"]
    assert listed["nodes"][0]["text"] == "First draft\n需要更快的交付\nSecond thoughts"
    page = (await api.data(LIST, {"c": case_id, "first": 1}, team.tokens["viewer"]))["snapshots"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await api.data(
        LIST, {"c": case_id, "first": 1, "after": page["pageInfo"]["endCursor"]}, team.tokens["viewer"]
    )
    assert [n["label"] for n in rest["snapshots"]["nodes"]] == ["Kick-off"]

    via_case = await api.data(
        "query($id: ID!) { case(id: $id) { snapshots(first: 5) { nodes { id label } } } }",
        {"id": case_id},
        team.tokens["commenter"],
    )
    assert [n["label"] for n in via_case["case"]["snapshots"]["nodes"]] == ["Review", "Kick-off"]
    one = await api.data(
        f"query($id: ID!) {{ snapshot(id: $id) {{ {FIELDS} }} }}",
        {"id": created["id"]},
        team.tokens["viewer"],
    )
    assert one["snapshot"] == created


async def test_who_may_name_and_restore(team: Crew) -> None:
    api = team.api
    case_id = await _case(team)
    await write(team.db, case_id, team.people["owner"].id, "text")
    snapshot_id = (await api.data(CREATE, {"c": case_id, "l": "v1"}, team.tokens["owner"]))["createSnapshot"][
        "id"
    ]
    for role in ("commenter", "viewer"):
        assert (await api.error(CREATE, {"c": case_id, "l": "x"}, team.tokens[role])).codes == ["FORBIDDEN"]
        assert (await api.error(RESTORE, {"s": snapshot_id}, team.tokens[role])).codes == ["FORBIDDEN"]
    assert (await api.error(CREATE, {"c": case_id, "l": "x"}, team.tokens["stranger"])).codes == ["NOT_FOUND"]
    assert (await api.error(RESTORE, {"s": snapshot_id}, team.tokens["stranger"])).codes == ["NOT_FOUND"]
    assert (await api.error(LIST, {"c": case_id}, team.tokens["stranger"])).codes == ["NOT_FOUND"]
    assert (await api.error(CREATE, {"c": case_id, "l": " "}, team.tokens["owner"])).codes == ["BAD_INPUT"]
    assert (await api.error(LIST, {"c": case_id, "first": 101}, team.tokens["owner"])).codes == ["BAD_INPUT"]
    assert (await api.error(CREATE, {"c": case_id, "l": "x"})).codes == ["UNAUTHENTICATED"]


async def test_compare_versions_and_the_live_document(team: Crew) -> None:
    api = team.api
    case_id = await _case(team)
    owner, editor = team.people["owner"], team.people["editor"]
    await write(team.db, case_id, owner.id, "The customer wants faster delivery")
    first = (await api.data(CREATE, {"c": case_id, "l": "v1"}, team.tokens["owner"]))["createSnapshot"]["id"]
    await write(team.db, case_id, editor.id, "The customer wants cheaper delivery", replace=True)
    second = (await api.data(CREATE, {"c": case_id, "l": "v2"}, team.tokens["owner"]))["createSnapshot"]["id"]
    await write(team.db, case_id, owner.id, "客户需要更便宜的交付")

    diff = (await api.data(DIFF, {"f": first, "t": second}, team.tokens["viewer"]))["snapshotDiff"]
    assert diff["from"] == {"id": first, "label": "v1"}
    assert diff["to"] == {"id": second}
    assert diff["authors"] == [{"id": editor.id}]
    assert (diff["insertedWords"], diff["deletedWords"], diff["credited"]) == (1, 1, True)
    (change,) = diff["changes"]
    assert change["kind"] == "MODIFIED"
    assert [(s["op"], s["text"], s["authors"]) for s in change["segments"]] == [
        ("EQUAL", "The customer wants ", []),
        ("DELETED", "faster", [{"id": editor.id}]),
        ("INSERTED", "cheaper", [{"id": editor.id}]),
        ("EQUAL", " delivery", []),
    ]
    live = (await api.data(DIFF, {"f": second}, team.tokens["viewer"]))["snapshotDiff"]
    assert live["to"] is None
    assert live["insertedWords"] == 10
    assert live["changes"][0]["kind"] == "INSERTED"
    assert live["changes"][0]["segments"][0]["authors"] == [{"id": owner.id}]
    missing = "01a2d3c4-0000-7000-8000-000000000000"
    assert (await api.error(DIFF, {"f": missing}, team.tokens["viewer"])).codes == ["NOT_FOUND"]


async def test_restore_makes_the_document_read_as_the_version_and_keeps_the_before(team: Crew) -> None:
    api = team.api
    case_id = await _case(team)
    await write(team.db, case_id, team.people["owner"].id, "Version one")
    v1 = (await api.data(CREATE, {"c": case_id, "l": "One"}, team.tokens["owner"]))["createSnapshot"]["id"]
    await write(team.db, case_id, team.people["editor"].id, "Version two", replace=True)
    restored = (await api.data(RESTORE, {"s": v1}, team.tokens["editor"]))["restoreSnapshot"]
    assert restored["changed"] is True
    assert restored["restored"] == {"id": v1}
    before = restored["before"]
    assert before["kind"] == "BEFORE_RESTORE"
    assert before["auto"] is True
    assert before["label"] == "Before restoring “One”"
    assert before["restoredFromId"] == v1
    assert before["text"] == "Version two"
    assert before["author"]["id"] == team.people["editor"].id
    assert await api.case_text(team.tokens["viewer"], case_id) == "Version one"
    again = (await api.data(RESTORE, {"s": before["id"]}, team.tokens["owner"]))["restoreSnapshot"]
    assert again["changed"] is True
    assert await api.case_text(team.tokens["viewer"], case_id) == "Version two"
    listed = (await api.data(LIST, {"c": case_id}, team.tokens["viewer"]))["snapshots"]["nodes"]
    assert [n["kind"] for n in listed] == ["BEFORE_RESTORE", "BEFORE_RESTORE", "NAMED"]


async def test_naming_a_version_earns_its_author_a_point_once(team: Crew) -> None:
    api = team.api
    case_id = await _case(team)
    await write(team.db, case_id, team.people["editor"].id, "Scope agreed")
    await api.data(CREATE, {"c": case_id, "l": "Scope"}, team.tokens["editor"])
    first = (await api.data(CREATE, {"c": case_id, "l": "Scope"}, team.tokens["editor"]))["createSnapshot"][
        "id"
    ]
    await api.data(RESTORE, {"s": first}, team.tokens["editor"])

    async def balance() -> int:
        value: int = (await api.data("{ me { pointsBalance } }", token=team.tokens["editor"]))["me"][
            "pointsBalance"
        ]
        return value

    deadline = asyncio.get_running_loop().time() + 5
    while await balance() < 2 and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)  # a restore's BEFORE_RESTORE version must not add a third point
    assert await balance() == 2, "one point per named version (SNAPSHOT_NAMED), none for the others"


async def _write_heading(db: Database, case_id: str, author_id: str, text: str, level: int) -> None:
    async with db.transaction() as session:
        doc = await documents.load_doc(session, case_id)
        before = doc.get_state()
        with doc.transaction():
            heading = body(doc).children.append(XmlElement("heading", {"level": str(level)}))
            heading.children.append(XmlText(text))
        update = doc.get_update(before)
        await documents.append(session, [documents.NewUpdate(case_id, author_id, update, utcnow())])


async def test_a_version_says_which_lines_of_its_text_are_headings(team: Crew) -> None:
    api = team.api
    case_id = await _case(team)
    editor = team.people["editor"].id
    await _write_heading(team.db, case_id, editor, "客户现状 Situation", 1)
    await write(team.db, case_id, editor, "Freight is late 运费延误")
    await _write_heading(team.db, case_id, editor, "下一步 Next steps", 2)
    created = (await api.data(CREATE, {"c": case_id, "l": "Outline"}, team.tokens["editor"]))[
        "createSnapshot"
    ]
    query = "query($id: ID!) { snapshot(id: $id) { text headings { line level } } }"
    read = (await api.data(query, {"id": created["id"]}, team.tokens["viewer"]))["snapshot"]
    assert read["text"] == "客户现状 Situation\nFreight is late 运费延误\n下一步 Next steps"
    assert read["headings"] == [{"line": 0, "level": 1}, {"line": 2, "level": 2}]
    assert (await api.error(query, {"id": created["id"]}, team.tokens["stranger"])).codes == ["NOT_FOUND"]
