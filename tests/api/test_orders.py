from server.infra.db import Database
from server.infra.ids import new_id
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.points import sign_in

RECORD = "mutation($c: ID!, $a: Decimal!, $p: [ID!]!, $r: String!) { recordOrderWon(caseId: $c, amount: $a, painPointIds: $p, reference: $r) { id amount reference painPointIds status awardsQueued created } }"
APPROVE = "mutation($o: ID!) { approveOrder(orderId: $o) { id status awardsQueued decidedBy { id } } }"
REJECT = "mutation($o: ID!, $r: String!) { rejectOrder(orderId: $o, reason: $r) { id status decisionNote } }"
PENDING = "{ pendingOrders(first: 10) { nodes { id reference status recordedBy { id } } } }"


async def test_owner_records_an_order_once_per_reference(api: GraphQL, app_db: Database) -> None:
    owner = await sign_in(api, app_db, "owner@a.com")
    editor = await sign_in(api, app_db, "editor@a.com")
    case_id = await api.create_case(owner.token)
    await api.add_member(owner.token, case_id, editor.id, "EDITOR")
    first = (await api.data(RECORD, {"c": case_id, "a": "125000.50", "p": [], "r": "SO-7"}, owner.token))[
        "recordOrderWon"
    ]
    assert (first["amount"], first["created"], first["status"], first["awardsQueued"]) == (
        "125000.50",
        True,
        "PENDING",
        0,
    )
    again = (await api.data(RECORD, {"c": case_id, "a": "125000.5", "p": [], "r": "SO-7"}, owner.token))[
        "recordOrderWon"
    ]
    assert (again["id"], again["created"]) == (first["id"], False)
    # The same number with another amount: a different order under a number already taken.
    taken = await api.error(RECORD, {"c": case_id, "a": "99", "p": [], "r": "SO-7"}, owner.token)
    assert (taken.codes, taken.reasons) == (["CONFLICT"], ["ORDER_ALREADY_RECORDED"])
    assert (await api.error(RECORD, {"c": case_id, "a": "1", "p": [], "r": "SO-8"}, editor.token)).codes == [
        "FORBIDDEN"
    ]
    assert (await api.error(RECORD, {"c": case_id, "a": "-1", "p": [], "r": "SO-8"}, owner.token)).codes == [
        "BAD_INPUT"
    ]
    assert (await api.error(RECORD, {"c": case_id, "a": "1", "p": [], "r": " "}, owner.token)).codes == [
        "BAD_INPUT"
    ]
    # An id that is no pain point of this case cannot be credited.
    variables = {"c": case_id, "a": "1", "p": [new_id()], "r": "SO-9"}
    assert (await api.error(RECORD, variables, owner.token)).codes == ["BAD_INPUT"]


async def test_orders_are_approved_by_hr_or_finance_of_the_team_only(api: GraphQL, app_db: Database) -> None:
    zhang = await sign_in(api, app_db, "zhangwei@a.com")
    chen = await sign_in(api, app_db, "chenjing@a.com", UserRole.FINANCE)
    wang = await sign_in(api, app_db, "wangfang@a.com", UserRole.HR)
    zhao = await sign_in(api, app_db, "zhaoqiang@b.com", UserRole.FINANCE, team="Team B")
    case_id = await api.create_case(zhang.token)
    order = (await api.data(RECORD, {"c": case_id, "a": "8800", "p": [], "r": "合同-001"}, zhang.token))[
        "recordOrderWon"
    ]
    other = (await api.data(RECORD, {"c": case_id, "a": "9900", "p": [], "r": "合同-002"}, zhang.token))[
        "recordOrderWon"
    ]
    for document, variables in ((APPROVE, {"o": order["id"]}), (REJECT, {"o": order["id"], "r": "no"})):
        assert (await api.error(document, variables, zhang.token)).codes == ["FORBIDDEN"]
        assert (await api.error(document, variables, zhao.token)).codes == ["NOT_FOUND"]
    assert (await api.error(PENDING, token=zhang.token)).codes == ["FORBIDDEN"]
    assert (await api.data(PENDING, token=zhao.token))["pendingOrders"]["nodes"] == []
    pending = (await api.data(PENDING, token=chen.token))["pendingOrders"]["nodes"]
    assert [(n["reference"], n["recordedBy"]["id"]) for n in pending] == [
        ("合同-001", zhang.id),
        ("合同-002", zhang.id),
    ]
    approved = (await api.data(APPROVE, {"o": order["id"]}, chen.token))["approveOrder"]
    assert (approved["status"], approved["decidedBy"]["id"]) == ("APPROVED", chen.id)
    decided = await api.error(APPROVE, {"o": order["id"]}, wang.token)
    assert (decided.codes, decided.reasons) == (["CONFLICT"], ["ALREADY_DECIDED"])
    rejected = (await api.data(REJECT, {"o": other["id"], "r": "客户取消了订单"}, wang.token))["rejectOrder"]
    assert (rejected["status"], rejected["decisionNote"]) == ("REJECTED", "客户取消了订单")
    assert (await api.data(PENDING, token=chen.token))["pendingOrders"]["nodes"] == []
