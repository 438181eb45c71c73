"""Submitting pain points through the API: the quality gate, tickets, duplicates, batches, who may do what."""

import asyncio

import pytest

from server.infra.db import Database
from server.infra.ids import new_id
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.painpoints import (
    ADOPT,
    PAIN_POINT,
    RESUBMIT,
    SUBMIT,
    SUBMIT_MANY,
    TICKETS,
    submit,
    submit_many,
)
from tests.support.points import SignedIn, sign_in

pytestmark = pytest.mark.model

CASE_PAIN_POINTS = "query($c: ID!) { casePainPoints(caseId: $c) { nodes { id status } } }"


async def _case(api: GraphQL, db: Database) -> tuple[SignedIn, str]:
    owner = await sign_in(api, db, "owner@a.com")
    return owner, await api.create_case(owner.token, title="Checkout", customer="Contoso")


@pytest.mark.parametrize(
    "text",
    ["card payment declined twice", "退款一直没到账", "login fails", "无法登录", "error 500 on export"],
)
async def test_short_real_complaints_pass_in_english_and_chinese(
    api: GraphQL, app_db: Database, text: str
) -> None:
    owner, case_id = await _case(api, app_db)
    result = await submit(
        api, owner.token, case_id, text, product="Payments", tags=["billing", " billing ", ""]
    )
    assert result["__typename"] == "PainPoint"
    assert (result["text"], result["status"], result["caseId"]) == (text, "SUBMITTED", case_id)
    assert (result["customer"], result["product"], result["tags"]) == ("Contoso", "Payments", ["billing"])


async def test_garbled_text_is_refused_with_reasons_and_kept_as_a_ticket(
    api: GraphQL, app_db: Database
) -> None:
    owner, case_id = await _case(api, app_db)
    garbled = "Ã©chec du paiement: la carte est refusÃ©e"
    refused = await submit(api, owner.token, case_id, garbled)
    assert refused["__typename"] == "PainPointRejected"
    assert [r["code"] for r in refused["reasons"]] == ["MOJIBAKE"]
    assert "échec" in refused["reasons"][0]["message"]
    ticket = refused["ticket"]
    assert (ticket["text"], ticket["status"], ticket["attempts"]) == (garbled, "OPEN", 1)
    for text, codes in [("[图片]", ["PLACEHOLDER_ONLY"]), ("ok", ["TOO_SHORT"]), ("   ", ["EMPTY"])]:
        result = await submit(api, owner.token, case_id, text)
        assert [r["code"] for r in result["reasons"]] == codes, text
    tickets = (await api.data(TICKETS, {"s": "OPEN"}, owner.token))["myRectificationTickets"]["nodes"]
    assert len(tickets) == 4
    assert tickets[-1]["text"] == garbled  # newest first: the first refusal is last
    listed = await api.data(CASE_PAIN_POINTS, {"c": case_id}, owner.token)
    assert listed["casePainPoints"]["nodes"] == []


async def test_resubmitting_a_ticket_keeps_the_original_and_links_the_pain_point(
    api: GraphQL, app_db: Database
) -> None:
    owner, case_id = await _case(api, app_db)
    ticket_id = (await submit(api, owner.token, case_id, "asdf"))["ticket"]["id"]
    again = (await api.data(RESUBMIT, {"id": ticket_id, "t": "still ??"}, owner.token))["resubmitTicket"]
    assert again["__typename"] == "PainPointRejected"
    assert (again["ticket"]["id"], again["ticket"]["attempts"]) == (ticket_id, 2)
    fixed = (await api.data(RESUBMIT, {"id": ticket_id, "t": "Export to Excel times out"}, owner.token))[
        "resubmitTicket"
    ]
    assert (fixed["__typename"], fixed["status"]) == ("PainPoint", "SUBMITTED")
    (ticket,) = (await api.data(TICKETS, {"s": "RESUBMITTED"}, owner.token))["myRectificationTickets"][
        "nodes"
    ]
    assert (ticket["text"], ticket["latestText"], ticket["attempts"]) == (
        "asdf",
        "Export to Excel times out",
        3,
    )
    assert ticket["painPoint"] == {"id": fixed["id"]}
    closed = await api.error(RESUBMIT, {"id": ticket_id, "t": "Export to Excel times out again"}, owner.token)
    assert closed.codes == ["CONFLICT"]


async def test_near_duplicates_in_a_case_are_linked_not_refused(api: GraphQL, app_db: Database) -> None:
    owner, case_id = await _case(api, app_db)
    other_case = await api.create_case(owner.token, title="Other", customer="Fabrikam")
    first = await submit(api, owner.token, case_id, "The refund for the cancelled order never arrived")
    again = await submit(api, owner.token, case_id, "the refund for the canceled order never arrived")
    elsewhere = await submit(api, owner.token, other_case, "The refund for the cancelled order never arrived")
    different = await submit(api, owner.token, case_id, "Login with SSO fails after the password reset")
    assert (again["status"], again["duplicateOf"]) == ("DUPLICATE", {"id": first["id"]})
    assert elsewhere["status"] == "SUBMITTED"  # duplicates are looked for within a case
    assert different["status"] == "SUBMITTED"
    batch = await submit_many(
        api,
        owner.token,
        [
            {"caseId": other_case, "text": "Invoices show the wrong VAT rate for Germany"},
            {"caseId": other_case, "text": "invoices show the wrong VAT rate for germany"},
        ],
    )
    assert [r["status"] for r in batch] == ["SUBMITTED", "DUPLICATE"]
    assert batch[1]["duplicateOf"] == {"id": batch[0]["id"]}


async def test_a_batch_answers_in_order_and_holds_at_most_500(api: GraphQL, app_db: Database) -> None:
    owner, case_id = await _case(api, app_db)
    items = [
        {"caseId": case_id, "text": f"Dashboard widget {i} shows stale numbers after refresh"}
        for i in range(3)
    ]
    items.insert(1, {"caseId": case_id, "text": "锟斤拷锟斤拷"})
    results = await submit_many(api, owner.token, items)
    assert [r["__typename"] for r in results] == ["PainPoint", "PainPointRejected", "PainPoint", "PainPoint"]
    assert [r.get("text") for r in results] == [items[0]["text"], None, items[2]["text"], items[3]["text"]]
    full = [{"caseId": case_id, "text": f"Customer {i} cannot print shipping labels"} for i in range(500)]
    assert len(await submit_many(api, owner.token, full)) == 500
    error = await api.error(SUBMIT_MANY, {"i": [*full, full[0]]}, owner.token)
    assert error.codes == ["BAD_INPUT"]
    assert (await api.error(SUBMIT_MANY, {"i": []}, owner.token)).codes == ["BAD_INPUT"]


async def test_who_may_submit_and_read(api: GraphQL, app_db: Database) -> None:
    owner, case_id = await _case(api, app_db)
    roles = {}
    for role in ("EDITOR", "COMMENTER", "VIEWER"):
        member = await sign_in(api, app_db, f"{role.lower()}@a.com")
        await api.add_member(owner.token, case_id, member.id, role)
        roles[role] = member
    text = "Delivery dates in the portal differ from the confirmation email"
    for role in ("EDITOR", "COMMENTER"):
        assert (await submit(api, roles[role].token, case_id, f"{text} ({role})"))[
            "__typename"
        ] == "PainPoint"
    viewer = await api.error(SUBMIT, {"i": {"caseId": case_id, "text": text}}, roles["VIEWER"].token)
    assert viewer.codes == ["FORBIDDEN"]
    pain_point = await submit(api, owner.token, case_id, text)
    seen = (await api.data(PAIN_POINT, {"id": pain_point["id"]}, roles["VIEWER"].token))["painPoint"]
    assert (seen["id"], seen["cluster"], seen["duplicateOf"]) == (pain_point["id"], None, None)


async def test_foreign_ids_answer_not_found_like_missing_ones(api: GraphQL, app_db: Database) -> None:
    owner, case_id = await _case(api, app_db)
    pain_point = await submit(api, owner.token, case_id, "Warehouse scanner app crashes on Android 14")
    ticket = (await submit(api, owner.token, case_id, "asdf"))["ticket"]
    stranger = await sign_in(api, app_db, "stranger@a.com")
    outsider_rd = await sign_in(api, app_db, "rd@b.com", UserRole.RD, team="Team B")
    missing = new_id()
    for who in (stranger, outsider_rd):
        for query, variables in [
            (PAIN_POINT, {"id": pain_point["id"]}),
            (PAIN_POINT, {"id": missing}),
            (PAIN_POINT, {"id": "not-an-id"}),
            (SUBMIT, {"i": {"caseId": case_id, "text": "A real complaint about invoices"}}),
            (SUBMIT, {"i": {"caseId": missing, "text": "A real complaint about invoices"}}),
            (SUBMIT_MANY, {"i": [{"caseId": case_id, "text": "A real complaint about invoices"}]}),
            (RESUBMIT, {"id": ticket["id"], "t": "A real complaint about invoices"}),
            (RESUBMIT, {"id": missing, "t": "A real complaint about invoices"}),
            (ADOPT, {"id": pain_point["id"]}),
            (ADOPT, {"id": missing}),
            (CASE_PAIN_POINTS, {"c": case_id}),
        ]:
            error = await api.error(query, variables, who.token)
            assert error.codes == ["NOT_FOUND"], (who.person.email, query, variables)
    assert (await api.data(TICKETS, {}, stranger.token))["myRectificationTickets"]["nodes"] == []


async def test_rd_adopt_a_pain_point_of_their_team_and_its_author_earns_points(
    api: GraphQL, app_db: Database
) -> None:
    owner, case_id = await _case(api, app_db)
    rd = await sign_in(api, app_db, "rd@a.com", UserRole.RD)
    pain_point = await submit(api, owner.token, case_id, "Bulk import rejects files over 10 MB")
    duplicate = await submit(api, owner.token, case_id, "bulk import rejects files over 10 MB")
    # R&D read the pain point without being on the case, but never the case itself.
    assert (await api.data(PAIN_POINT, {"id": pain_point["id"]}, rd.token))["painPoint"]["caseId"] == case_id
    assert (
        await api.error("query($id: ID!) { case(id: $id) { text } }", {"id": case_id}, rd.token)
    ).codes == ["NOT_FOUND"]
    assert (await api.error(ADOPT, {"id": pain_point["id"]}, owner.token)).codes == ["FORBIDDEN"]
    assert (await api.error(ADOPT, {"id": duplicate["id"]}, rd.token)).codes == ["CONFLICT"]
    adopted = (await api.data(ADOPT, {"id": pain_point["id"], "n": "Q3 roadmap"}, rd.token))["adoptPainPoint"]
    assert (adopted["status"], adopted["adoptionNote"]) == ("ADOPTED", "Q3 roadmap")
    again = (await api.data(ADOPT, {"id": pain_point["id"], "n": "other"}, rd.token))["adoptPainPoint"]
    assert again == adopted
    ledger = await _ledger(api, owner.token)
    assert sorted(ledger) == [("PAIN_POINT_ACCEPTED", 5), ("PAIN_POINT_ADOPTED", 15)]


async def _ledger(api: GraphQL, token: str, entries: int = 2) -> list[tuple[str, int]]:
    """The caller's ledger once the award jobs of this process have run (`entries` of them)."""
    for _ in range(100):
        data = await api.data("{ me { pointsLedger(first: 50) { nodes { action delta } } } }", token=token)
        nodes = data["me"]["pointsLedger"]["nodes"]
        if len(nodes) >= entries:
            return [(n["action"], n["delta"]) for n in nodes]
        await asyncio.sleep(0.05)
    return [(n["action"], n["delta"]) for n in nodes]


WITHDRAW = (
    "mutation($id: ID!, $r: String!) { withdrawPainPoint(id: $id, reason: $r) "
    "{ id status withdrawnAt withdrawalReason } }"
)


async def test_withdrawing_a_pain_point_reverses_its_points_and_keeps_it_readable(
    api: GraphQL, app_db: Database
) -> None:
    owner, case_id = await _case(api, app_db)
    editor = await sign_in(api, app_db, "editor@a.com")
    rd = await sign_in(api, app_db, "rd@a.com", UserRole.RD)
    await api.add_member(owner.token, case_id, editor.id, "EDITOR")
    mine = await submit(api, editor.token, case_id, "Invoices show the wrong VAT rate for Austria")
    adopted = await submit(api, editor.token, case_id, "Password reset mail never arrives")
    await api.data(ADOPT, {"id": adopted["id"]}, rd.token)
    assert sorted(await _ledger(api, editor.token, entries=3)) == [
        ("PAIN_POINT_ACCEPTED", 5),
        ("PAIN_POINT_ACCEPTED", 5),
        ("PAIN_POINT_ADOPTED", 15),
    ]

    # Another member may not; an adopted one needs R&D first; a reason is required.
    other = await sign_in(api, app_db, "other@a.com")
    await api.add_member(owner.token, case_id, other.id, "EDITOR")
    assert (await api.error(WITHDRAW, {"id": mine["id"], "r": "no"}, other.token)).codes == ["FORBIDDEN"]
    assert (await api.error(WITHDRAW, {"id": adopted["id"], "r": "no"}, editor.token)).codes == ["CONFLICT"]
    assert (await api.error(WITHDRAW, {"id": mine["id"], "r": "  "}, editor.token)).codes == ["BAD_INPUT"]

    # The case owner may, and doing it twice changes nothing.
    withdrawn = (await api.data(WITHDRAW, {"id": mine["id"], "r": "Customer retracted"}, owner.token))[
        "withdrawPainPoint"
    ]
    assert (withdrawn["status"], withdrawn["withdrawalReason"]) == ("REJECTED", "Customer retracted")
    assert withdrawn["withdrawnAt"] is not None
    again = (await api.data(WITHDRAW, {"id": mine["id"], "r": "other"}, editor.token))["withdrawPainPoint"]
    assert again == withdrawn

    # What it earned is reversed by an entry, never edited away; the adopted one keeps its points.
    ledger = await _ledger(api, editor.token, entries=4)
    assert sorted(ledger) == [
        ("PAIN_POINT_ACCEPTED", -5),
        ("PAIN_POINT_ACCEPTED", 5),
        ("PAIN_POINT_ACCEPTED", 5),
        ("PAIN_POINT_ADOPTED", 15),
    ]
    balance = (await api.data("{ me { pointsBalance } }", token=editor.token))["me"]["pointsBalance"]
    assert balance == 20
    # It stays readable (nothing is deleted) and cannot be adopted any more.
    seen = (await api.data(PAIN_POINT, {"id": mine["id"]}, owner.token))["painPoint"]
    assert (seen["text"], seen["status"]) == ("Invoices show the wrong VAT rate for Austria", "REJECTED")
    assert (await api.error(ADOPT, {"id": mine["id"]}, rd.token)).codes == ["CONFLICT"]
