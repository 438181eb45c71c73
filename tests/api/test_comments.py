"""Comment threads through GraphQL: anchors, replies, edits, resolving, deleting, who may do what."""

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from pycrdt import XmlElement, XmlText
from sqlalchemy import select

from server.api.mutations import comments as comment_mutations
from server.domain.comments.mentions import mention_markup
from server.domain.documents.text import body as body_of
from server.infra.db import Database
from server.infra.ids import new_id
from server.models import AuditEvent
from server.yjs.positions import RelativePosition
from tests.support.comments import (
    ADD,
    COMMENT,
    DELETE,
    EDIT,
    MOVE,
    REOPEN,
    REPLY,
    RESOLVE,
    SENTENCES,
    THREADS,
    Team,
    anchor_on,
    make_team,
    store_document,
)
from tests.support.graphql import GraphQL


@pytest.fixture
async def team(api: GraphQL, app_db: Database) -> Team:
    return await make_team(app_db, api)


async def _add(api: GraphQL, team: Team, who: str, body: str, **extra: object) -> dict[str, Any]:
    data = await api.data(ADD, {"i": {"caseId": team.case_id, "body": body, **extra}}, team.tokens[who])
    comment: dict[str, Any] = data["addComment"]
    return comment


def _iso_with_zone(value: object) -> datetime:
    assert isinstance(value, str)
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() is not None, value
    return parsed


async def test_an_anchored_thread_from_start_to_resolution(api: GraphQL, team: Team) -> None:
    anchor = anchor_on(team.doc, "card payments")
    thread = await _add(
        api, team, "commenter", "Which card schemes fail?", anchor=anchor, quote="card payments"
    )
    assert thread["anchor"] == {
        **anchor,
        "quote": "card payments",
        "startIndex": 17,
        "endIndex": 30,
        "currentQuote": "card payments",
        "orphaned": False,
    }
    assert thread["threadId"] == thread["id"]
    assert thread["author"] == {"id": team.people["commenter"].id, "name": "王芳 (Finance BP)"}
    _iso_with_zone(thread["createdAt"])
    assert thread["editedAt"] is None
    assert thread["resolvedAt"] is None
    assert (thread["viewerCanEdit"], thread["viewerCanDelete"], thread["viewerCanResolve"]) == (
        True,
        True,
        True,
    )

    reply = (await api.data(REPLY, {"c": thread["id"], "b": "Visa only, we think."}, team.tokens["editor"]))[
        "replyToComment"
    ]
    assert reply["threadId"] == thread["id"]
    assert reply["anchor"] is None
    # A reply to a reply joins the same thread.
    again = (await api.data(REPLY, {"c": reply["id"], "b": "Confirmed."}, team.tokens["owner"]))[
        "replyToComment"
    ]
    assert again["threadId"] == thread["id"]

    edited = (
        await api.data(
            EDIT, {"c": thread["id"], "b": "Which card schemes fail at peak?"}, team.tokens["commenter"]
        )
    )["editComment"]
    assert edited["body"] == "Which card schemes fail at peak?"
    assert _iso_with_zone(edited["editedAt"]) >= _iso_with_zone(edited["createdAt"])

    resolved = (await api.data(RESOLVE, {"c": thread["id"]}, team.tokens["owner"]))["resolveComment"]
    assert resolved["resolvedBy"] == {"id": team.people["owner"].id}
    _iso_with_zone(resolved["resolvedAt"])
    assert [r["id"] for r in resolved["replies"]] == [reply["id"], again["id"]]

    open_threads = (await api.data(THREADS, {"id": team.case_id}, team.tokens["viewer"]))["case"]["comments"]
    assert open_threads["nodes"] == []
    everything = (await api.data(THREADS, {"id": team.case_id, "all": True}, team.tokens["viewer"]))["case"]
    (listed,) = everything["comments"]["nodes"]
    assert listed["id"] == thread["id"]
    assert listed["anchor"]["currentQuote"] == "card payments"
    assert everything["text"][17:30] == "card payments"
    # A viewer reads but may do nothing.
    assert (listed["viewerCanEdit"], listed["viewerCanDelete"], listed["viewerCanResolve"]) == (
        False,
        False,
        False,
    )

    reopened = (await api.data(REOPEN, {"c": thread["id"]}, team.tokens["editor"]))["reopenComment"]
    assert reopened["resolvedAt"] is None
    assert reopened["resolvedBy"] is None
    assert (await api.error(REOPEN, {"c": thread["id"]}, team.tokens["editor"])).codes == ["CONFLICT"]
    await api.data(RESOLVE, {"c": thread["id"]}, team.tokens["editor"])
    assert (await api.error(RESOLVE, {"c": thread["id"]}, team.tokens["editor"])).codes == ["CONFLICT"]
    assert (await api.error(RESOLVE, {"c": reply["id"]}, team.tokens["editor"])).codes == ["BAD_INPUT"]


async def test_case_level_comments_and_ranges_for_tools(api: GraphQL, team: Team) -> None:
    general = await _add(api, team, "editor", "Let's settle the refund policy first.")
    assert general["anchor"] is None
    # A tool that knows Case.text anchors by offsets; the server makes the Yjs positions.
    text = "\n".join(SENTENCES)
    start = text.index("失败率约")
    ranged = await _add(api, team, "editor", "Source?", range={"start": start, "end": start + 4})
    assert ranged["anchor"]["currentQuote"] == ranged["anchor"]["quote"] == "失败率约"
    assert (ranged["anchor"]["startIndex"], ranged["anchor"]["endIndex"]) == (start, start + 4)
    # Across the line break between the two paragraphs.
    start = text.index("21:00.")
    across = await _add(api, team, "editor", "Both.", range={"start": start, "end": start + 10})
    assert across["anchor"]["currentQuote"] == "21:00.\n高峰期"


@pytest.mark.parametrize(
    ("anchor", "extra", "code"),
    [
        ({"start": "not base64!", "end": "AAAA"}, {}, "BAD_INPUT"),
        ({"start": "CWdhcmJhZ2U=", "end": "CWdhcmJhZ2U="}, {}, "BAD_INPUT"),
        (None, {"range": {"start": 5, "end": 5}}, "BAD_INPUT"),
        (None, {"range": {"start": 60, "end": 500}}, "BAD_INPUT"),
        (None, {"range": {"start": 0, "end": 4}, "quote": "x" * 5001}, "BAD_INPUT"),
    ],
)
async def test_bad_anchors_are_refused(
    api: GraphQL, team: Team, anchor: dict[str, str] | None, extra: dict[str, object], code: str
) -> None:
    variables = {"caseId": team.case_id, "body": "hm", **extra}
    if anchor is not None:
        variables["anchor"] = anchor
    assert (await api.error(ADD, {"i": variables}, team.tokens["editor"])).codes == [code]


async def test_a_collapsed_selection_and_both_anchor_kinds_are_refused(api: GraphQL, team: Team) -> None:
    point = anchor_on(team.doc, "card")
    collapsed = {"start": point["start"], "end": point["start"]}
    for extra in ({"anchor": collapsed}, {"anchor": point, "range": {"start": 0, "end": 4}}):
        error = await api.error(
            ADD, {"i": {"caseId": team.case_id, "body": "hm", **extra}}, team.tokens["editor"]
        )
        assert error.codes == ["BAD_INPUT"]


async def test_an_anchor_naming_edits_the_server_never_got_is_a_conflict(
    api: GraphQL, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(comment_mutations, "ANCHOR_CATCH_UP_SECONDS", 0.3)
    unknown = RelativePosition(item=(987654, 3)).to_base64()
    error = await api.error(
        ADD,
        {"i": {"caseId": team.case_id, "body": "hm", "anchor": {"start": unknown, "end": unknown}}},
        team.tokens["editor"],
    )
    assert error.codes == ["CONFLICT"]
    assert "try again" in error.errors[0]["message"]


async def test_quote_defaults_to_the_text_and_body_rules(api: GraphQL, team: Team) -> None:
    made = await _add(api, team, "editor", "  spaced  ", anchor=anchor_on(team.doc, "Retail"))
    assert made["anchor"]["quote"] == "Retail"
    assert made["body"] == "spaced"
    for body in ("", "   ", "x" * 10_001, "bell\x07"):
        error = await api.error(ADD, {"i": {"caseId": team.case_id, "body": body}}, team.tokens["editor"])
        assert error.codes == ["BAD_INPUT"]
    kept = await _add(api, team, "editor", "line one\n\tline two")
    assert kept["body"] == "line one\n\tline two"


async def test_who_may_do_what(api: GraphQL, team: Team) -> None:
    assert (
        await api.error(ADD, {"i": {"caseId": team.case_id, "body": "hi"}}, team.tokens["viewer"])
    ).codes == ["FORBIDDEN"]
    thread = await _add(api, team, "commenter", "Mine.")
    for who in ("viewer",):
        assert (await api.error(REPLY, {"c": thread["id"], "b": "x"}, team.tokens[who])).codes == [
            "FORBIDDEN"
        ]
        assert (await api.error(RESOLVE, {"c": thread["id"]}, team.tokens[who])).codes == ["FORBIDDEN"]
    # Nobody edits another's words, not even the owner; the owner may delete them.
    for who in ("editor", "owner", "viewer"):
        assert (await api.error(EDIT, {"c": thread["id"], "b": "x"}, team.tokens[who])).codes == ["FORBIDDEN"]
    for who in ("editor", "viewer"):
        assert (await api.error(DELETE, {"c": thread["id"]}, team.tokens[who])).codes == ["FORBIDDEN"]
    own = await api.data(
        DELETE, {"c": (await _add(api, team, "editor", "oops"))["id"]}, team.tokens["editor"]
    )
    assert own["deleteComment"]["deleted"] is True


async def test_deleting_keeps_replies_readable_and_audits_an_owners_deletion(
    api: GraphQL, team: Team, app_db: Database
) -> None:
    thread = await _add(api, team, "commenter", "A rude remark", anchor=anchor_on(team.doc, "declined"))
    reply = (await api.data(REPLY, {"c": thread["id"], "b": "Please keep it civil."}, team.tokens["editor"]))[
        "replyToComment"
    ]
    gone = (await api.data(DELETE, {"c": thread["id"]}, team.tokens["owner"]))["deleteComment"]
    assert gone["deleted"] is True
    assert gone["body"] == ""
    assert gone["mentions"] == []
    _iso_with_zone(gone["deletedAt"])
    (listed,) = (await api.data(THREADS, {"id": team.case_id}, team.tokens["viewer"]))["case"]["comments"][
        "nodes"
    ]
    assert listed["deleted"] is True
    assert [r["body"] for r in listed["replies"]] == ["Please keep it civil."]
    for mutation, variables, who in (
        (EDIT, {"b": "x"}, "commenter"),
        (RESOLVE, {}, "owner"),
        (DELETE, {}, "owner"),
        (REPLY, {"b": "x"}, "owner"),
    ):
        error = await api.error(mutation, {"c": thread["id"], **variables}, team.tokens[who])
        assert error.codes == ["CONFLICT"]
    # Once its last reply goes too, the deleted thread leaves the list.
    await api.data(DELETE, {"c": reply["id"]}, team.tokens["editor"])
    assert (await api.data(THREADS, {"id": team.case_id}, team.tokens["viewer"]))["case"]["comments"][
        "nodes"
    ] == []
    async with app_db.sessions() as session:
        events = (
            (await session.execute(select(AuditEvent).where(AuditEvent.action == "comment.deleted_by_owner")))
            .scalars()
            .all()
        )
    assert [(e.actor_id, e.subject, e.data["author_id"]) for e in events] == [
        (team.people["owner"].id, thread["id"], team.people["commenter"].id)
    ]


async def test_threads_are_paginated_newest_first(api: GraphQL, team: Team) -> None:
    made = [(await _add(api, team, "editor", f"note {i}"))["id"] for i in range(5)]
    seen: list[str] = []
    after = None
    while True:
        page = (
            await api.data(THREADS, {"id": team.case_id, "first": 2, "after": after}, team.tokens["viewer"])
        )["case"]["comments"]
        seen += [node["id"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == made[::-1]
    for first in (0, 101):
        error = await api.error(THREADS, {"id": team.case_id, "first": first}, team.tokens["viewer"])
        assert error.codes == ["BAD_INPUT"]


async def test_mentions_must_name_case_members(api: GraphQL, team: Team) -> None:
    commenter = team.people["commenter"]
    body = f"{mention_markup('王芳 (Finance BP)', commenter.id)} can you check the numbers?"
    made = await _add(api, team, "owner", body)
    assert made["mentions"] == [{"id": commenter.id, "name": "王芳 (Finance BP)"}]
    assert made["body"] == body
    outsider = mention_markup("Stan Ger", team.people["stranger"].id)
    error = await api.error(
        ADD, {"i": {"caseId": team.case_id, "body": f"ask {outsider}"}}, team.tokens["owner"]
    )
    assert error.codes == ["BAD_INPUT"]
    assert "Stan Ger" in error.errors[0]["message"]
    # Not markup, so not a mention: plain text.
    plain = await _add(api, team, "owner", "@Sam Ortiz and @[Sam](not-an-id)")
    assert plain["mentions"] == []


FOREIGN_CASES: list[tuple[str, Callable[[str], dict[str, Any]]]] = [
    (COMMENT, lambda c: {"id": c}),
    (REPLY, lambda c: {"c": c, "b": "x"}),
    (EDIT, lambda c: {"c": c, "b": "x"}),
    (RESOLVE, lambda c: {"c": c}),
    (REOPEN, lambda c: {"c": c}),
    (DELETE, lambda c: {"c": c}),
]


async def test_foreign_ids_answer_not_found_exactly_like_missing_ones(
    api: GraphQL, app_db: Database, team: Team
) -> None:
    other = await make_team(app_db, api, prefix="b-")
    theirs = await _add(api, other, "owner", "Their comment", anchor=anchor_on(other.doc, "Retail"))
    missing = new_id()
    me = team.tokens["owner"]
    for document, make in FOREIGN_CASES:
        foreign = await api.error(document, make(theirs["id"]), me)
        absent = await api.error(document, make(missing), me)
        garbage = await api.error(document, make("nope"), me)
        assert foreign.codes == absent.codes == garbage.codes == ["NOT_FOUND"], document
        assert foreign.errors[0]["message"].replace(theirs["id"], "X") == absent.errors[0]["message"].replace(
            missing, "X"
        )
    cases: list[dict[str, Any]] = [
        {"caseId": other.case_id, "body": "x"},
        {"caseId": other.case_id, "body": "x", "anchor": anchor_on(other.doc, "Retail")},
        {"caseId": other.case_id, "body": "x", "range": {"start": 0, "end": 4}},
        {"caseId": missing, "body": "x"},
    ]
    for variables in cases:
        assert (await api.error(ADD, {"i": variables}, me)).codes == ["NOT_FOUND"]
    # A teammate who is not on the case sees nothing of it either.
    stranger = team.tokens["stranger"]
    mine = await _add(api, team, "owner", "Ours")
    assert (await api.error(COMMENT, {"id": mine["id"]}, stranger)).codes == ["NOT_FOUND"]
    assert (await api.error(THREADS, {"id": team.case_id}, stranger)).codes == ["NOT_FOUND"]
    # Their comments never show in our case.
    listed = (await api.data(THREADS, {"id": team.case_id, "all": True}, me))["case"]["comments"]["nodes"]
    assert [node["id"] for node in listed] == [mine["id"]]


async def test_signed_out_callers_get_unauthenticated(api: GraphQL, team: Team) -> None:
    thread = await _add(api, team, "owner", "hello")
    for document, make in FOREIGN_CASES:
        assert (await api.error(document, make(thread["id"]))).codes == ["UNAUTHENTICATED"]


async def _balance(api: GraphQL, token: str, expected: int) -> int:
    """The caller's points balance once it reaches `expected` (awards run as a job), or after 5 s."""
    deadline = asyncio.get_running_loop().time() + 5
    while True:
        balance: int = (await api.data("{ me { pointsBalance } }", token=token))["me"]["pointsBalance"]
        if balance == expected or asyncio.get_running_loop().time() > deadline:
            return balance
        await asyncio.sleep(0.05)


async def test_a_thread_resolved_by_someone_else_earns_its_author_points_once(
    api: GraphQL, team: Team
) -> None:
    thread = await _add(
        api, team, "commenter", "Offer a retry button?", anchor=anchor_on(team.doc, "declined")
    )
    own = await _add(api, team, "editor", "My own note")
    await api.data(RESOLVE, {"c": own["id"]}, team.tokens["editor"])
    await api.data(RESOLVE, {"c": thread["id"]}, team.tokens["owner"])
    assert await _balance(api, team.tokens["commenter"], 2) == 2  # COMMENT_RESOLVED is worth 2 by default
    await api.data(REOPEN, {"c": thread["id"]}, team.tokens["owner"])
    await api.data(RESOLVE, {"c": thread["id"]}, team.tokens["editor"])
    await asyncio.sleep(0.3)
    assert await _balance(api, team.tokens["commenter"], 2) == 2
    assert await _balance(api, team.tokens["editor"], 0) == 0  # resolving your own thread earns nothing


async def test_an_editor_anchors_a_passage_again_where_a_paragraph_split_wrote_it_anew(
    api: GraphQL, team: Team, app_db: Database
) -> None:
    thread = await _add(
        api, team, "commenter", "哪些支付？", anchor=anchor_on(team.doc, "payments"), quote="payments"
    )
    case_wide = await _add(api, team, "commenter", "Whole case.")
    reply = (await api.data(REPLY, {"c": thread["id"], "b": "Cards."}, team.tokens["editor"]))[
        "replyToComment"
    ]
    # Enter after "Acme Retail " as the browser's editor writes it: the rest of the line is a new paragraph
    # with its text written anew, and the old positions name deleted text.
    first = body_of(team.doc).children[0]
    assert isinstance(first, XmlElement)
    text = first.children[0]
    assert isinstance(text, XmlText)
    cut = len("Acme Retail ")
    tail = str(text)[cut:]
    with team.doc.transaction():
        del text[cut:]
        paragraph = XmlElement("paragraph")
        body_of(team.doc).children.insert(1, paragraph)
        written = XmlText()
        paragraph.children.append(written)
        written.insert(0, tail)
    await store_document(app_db, team.case_id, team.people["editor"].id, team.doc)
    before = (await api.data(COMMENT, {"id": thread["id"]}, team.tokens["editor"]))["comment"]["anchor"]
    assert before["orphaned"] is True

    anchor = anchor_on(team.doc, "payments")
    variables = {"c": thread["id"], "a": anchor}
    for who in ("commenter", "viewer"):
        assert (await api.error(MOVE, variables, team.tokens[who])).codes == ["FORBIDDEN"]
    assert (await api.error(MOVE, variables, team.tokens["stranger"])).codes == ["NOT_FOUND"]
    for other in (case_wide, reply):
        assert (await api.error(MOVE, {"c": other["id"], "a": anchor}, team.tokens["editor"])).codes == [
            "BAD_INPUT"
        ]

    moved = (await api.data(MOVE, variables, team.tokens["editor"]))["moveCommentAnchor"]
    assert moved["anchor"] == {
        **anchor,
        "quote": "payments",
        "startIndex": len("Acme Retail \nsees card "),
        "endIndex": len("Acme Retail \nsees card payments"),
        "currentQuote": "payments",
        "orphaned": False,
    }
    assert moved["body"] == "哪些支付？"
    assert moved["editedAt"] is None
