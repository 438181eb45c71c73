"""`painPointEvents(caseId)` over graphql-transport-ws against a real server process."""

import pytest

from tests.support.gqlws import subscribe
from tests.support.live import Live
from tests.support.operations import operation

pytestmark = pytest.mark.model

EVENTS = operation("PainPointEvents")
SUBMIT = operation("SubmitPainPoints")
WITHDRAW = operation("WithdrawPainPoint")


async def test_members_hear_of_pain_points_recorded_and_withdrawn_by_others(live: Live) -> None:
    _, owner = await live.signed_in("owner@a.com")
    mate_id, mate = await live.signed_in("mate@a.com")
    case_id = await live.gql.create_case(owner, title="Refund delays", customer="Contoso")
    other_case = await live.gql.create_case(owner, title="Another case")
    for case in (case_id, other_case):
        await live.gql.add_member(owner, case, mate_id, "EDITOR")

    async with subscribe(live.server.ws_url, EVENTS, token=owner, variables={"caseId": case_id}) as events:
        inputs = [
            {"caseId": case_id, "text": "Refunds take three weeks to reach the card"},
            {"caseId": case_id, "text": "锟斤拷 garbled"},  # refused: not recorded, so not announced
            {"caseId": other_case, "text": "Invoices list the wrong VAT rate"},  # another case
        ]
        results = (await live.gql.data(SUBMIT, {"inputs": inputs}, mate))["submitPainPoints"]
        assert [r["__typename"] for r in results] == ["PainPoint", "PainPointRejected", "PainPoint"]
        recorded = (await events.next(timeout=60))["painPointEvents"]
        assert (recorded["kind"], recorded["actor"]["id"]) == ("SUBMITTED", mate_id)
        assert [p["id"] for p in recorded["painPoints"]] == [results[0]["id"]]
        assert recorded["painPoints"][0]["text"] == "Refunds take three weeks to reach the card"

        withdrawn = await live.gql.data(WITHDRAW, {"id": results[0]["id"], "reason": "Entered twice"}, owner)
        assert withdrawn["withdrawPainPoint"]["status"] == "REJECTED"
        event = (await events.next())["painPointEvents"]
        assert (event["kind"], event["painPoints"][0]["status"]) == ("WITHDRAWN", "REJECTED")
        assert event["painPoints"][0]["withdrawalReason"] == "Entered twice"


async def test_someone_outside_the_case_is_refused(live: Live) -> None:
    _, owner = await live.signed_in("owner@a.com")
    _, stranger = await live.signed_in("stranger@a.com")
    case_id = await live.gql.create_case(owner)
    async with subscribe(live.server.ws_url, EVENTS, token=stranger, variables={"caseId": case_id}) as events:
        message = await events.message()
    # Refused before it starts: an `error` message, coded like any other missing case.
    assert message["type"] == "error", message
    assert [e["extensions"]["code"] for e in message["payload"]] == ["NOT_FOUND"]
