from server.infra.db import Database
from server.infra.ids import new_id
from tests.support.graphql import GraphQL
from tests.support.points import sign_in

RECORD = "mutation($c: ID!, $a: Decimal!, $p: [ID!]!, $r: String) { recordOrderWon(caseId: $c, amount: $a, painPointIds: $p, reference: $r) { id amount reference painPointIds awardsQueued created } }"


async def test_owner_records_an_order_once_per_reference(api: GraphQL, app_db: Database) -> None:
    owner = await sign_in(api, app_db, "owner@a.com")
    editor = await sign_in(api, app_db, "editor@a.com")
    case_id = await api.create_case(owner.token)
    await api.add_member(owner.token, case_id, editor.id, "EDITOR")
    first = (await api.data(RECORD, {"c": case_id, "a": "125000.50", "p": [], "r": "SO-7"}, owner.token))[
        "recordOrderWon"
    ]
    assert (first["amount"], first["created"], first["awardsQueued"]) == ("125000.50", True, 0)
    again = (await api.data(RECORD, {"c": case_id, "a": "125000.5", "p": [], "r": "SO-7"}, owner.token))[
        "recordOrderWon"
    ]
    assert (again["id"], again["created"]) == (first["id"], False)
    assert (await api.error(RECORD, {"c": case_id, "a": "1", "p": []}, editor.token)).codes == ["FORBIDDEN"]
    assert (await api.error(RECORD, {"c": case_id, "a": "-1", "p": []}, owner.token)).codes == ["BAD_INPUT"]
    # An id that is no pain point of this case cannot be credited.
    assert (await api.error(RECORD, {"c": case_id, "a": "1", "p": [new_id()]}, owner.token)).codes == [
        "BAD_INPUT"
    ]
