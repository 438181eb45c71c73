from server.infra.db import Database
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.points import ADJUST, balance, sign_in

APPROVE = "mutation($r: ID!) { approveAdjustment(requestId: $r) { entry { delta balanceAfter } request { status decidedBy { id } } } }"
REJECT = "mutation($r: ID!, $x: String!) { rejectAdjustment(requestId: $r, reason: $x) { request { status decisionNote } } }"
PENDING = "{ pendingAdjustments(first: 10) { nodes { id delta reason user { id } requestedBy { id } } } }"


async def test_large_adjustments_wait_for_a_second_hr_person(api: GraphQL, app_db: Database) -> None:
    wang = await sign_in(api, app_db, "wangfang@a.com", UserRole.HR)
    liu = await sign_in(api, app_db, "liuyang@a.com", UserRole.HR)
    sun = await sign_in(api, app_db, "sunli@a.com", UserRole.HR)
    zhang = await sign_in(api, app_db, "zhangwei@a.com")
    zhao = await sign_in(api, app_db, "zhaoqiang@b.com", UserRole.HR, team="Team B")
    small = (await api.data(ADJUST, {"u": zhang.id, "d": 500, "r": "项目奖励"}, wang.token))["adjustPoints"]
    assert (small["entry"]["balanceAfter"], small["request"]) == (500, None)
    to_liu = (await api.data(ADJUST, {"u": liu.id, "d": 50000, "r": "互相加分"}, wang.token))["adjustPoints"]
    to_wang = (await api.data(ADJUST, {"u": wang.id, "d": 50000, "r": "互相加分"}, liu.token))["adjustPoints"]
    assert (to_liu["entry"], to_liu["request"]["status"], to_liu["request"]["delta"]) == (
        None,
        "PENDING",
        50000,
    )
    assert (await balance(api, wang), await balance(api, liu)) == (0, 0)
    pending = (await api.data(PENDING, token=sun.token))["pendingAdjustments"]["nodes"]
    assert [(n["user"]["id"], n["requestedBy"]["id"]) for n in pending] == [
        (liu.id, wang.id),
        (wang.id, liu.id),
    ]
    for token in (wang.token, liu.token):  # requester or adjusted, one of them each time
        for request in (to_liu["request"], to_wang["request"]):
            assert (await api.error(APPROVE, {"r": request["id"]}, token)).codes == ["FORBIDDEN"]
    assert (await api.error(APPROVE, {"r": to_liu["request"]["id"]}, zhang.token)).codes == ["FORBIDDEN"]
    assert (await api.error(APPROVE, {"r": to_liu["request"]["id"]}, zhao.token)).codes == ["NOT_FOUND"]
    assert (await api.error(PENDING, token=zhang.token)).codes == ["FORBIDDEN"]
    approved = (await api.data(APPROVE, {"r": to_liu["request"]["id"]}, sun.token))["approveAdjustment"]
    assert approved == {
        "entry": {"delta": 50000, "balanceAfter": 50000},
        "request": {"status": "APPROVED", "decidedBy": {"id": sun.id}},
    }
    rejected = await api.data(REJECT, {"r": to_wang["request"]["id"], "x": "没有依据"}, sun.token)
    assert rejected["rejectAdjustment"]["request"] == {"status": "REJECTED", "decisionNote": "没有依据"}
    assert (await balance(api, wang), await balance(api, liu)) == (0, 50000)
    assert (await api.error(ADJUST, {"u": wang.id, "d": 5, "r": "给自己"}, wang.token)).codes == ["FORBIDDEN"]
