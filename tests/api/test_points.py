from datetime import UTC, datetime

from server.infra.db import Database
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.points import ADJUST, REDEEM, balance, reward, sign_in

LEDGER = "query($f: Int, $a: String) { me { pointsBalance pointsLedger(first: $f, after: $a) { nodes { delta action note balanceAfter actor { id } } pageInfo { hasNextPage endCursor } } } }"
RULES = "{ pointRules { action points dailyCap monthlyCap active } }"
UPDATE_RULE = "mutation($a: PointAction!, $i: UpdatePointRuleInput!) { updatePointRule(action: $a, input: $i) { action points dailyCap monthlyCap active } }"
RANKING = "query($p: String!) { contributionRanking(period: $p) { period rows { rank points user { id } } } }"


async def test_me_shows_balance_and_ledger_pages(api: GraphQL, app_db: Database) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, app_db, "ana@a.com")
    for delta in (10, 20, -5):
        await api.data(ADJUST, {"u": ana.id, "d": delta, "r": f"step {delta}"}, hr.token)
    first = (await api.data(LEDGER, {"f": 2}, ana.token))["me"]
    assert first["pointsBalance"] == 25
    assert [(n["delta"], n["balanceAfter"], n["action"]) for n in first["pointsLedger"]["nodes"]] == [
        (-5, 25, "ADJUSTMENT"),
        (20, 30, "ADJUSTMENT"),
    ]
    assert first["pointsLedger"]["nodes"][0]["actor"]["id"] == hr.id
    cursor = first["pointsLedger"]["pageInfo"]["endCursor"]
    rest = (await api.data(LEDGER, {"f": 2, "a": cursor}, ana.token))["me"]["pointsLedger"]
    assert [n["note"] for n in rest["nodes"]] == ["step 10"]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_points_of_others_are_for_hr_of_the_team_only(api: GraphQL, app_db: Database) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, app_db, "ana@a.com")
    await sign_in(api, app_db, "ben@a.com")
    await api.data(ADJUST, {"u": ana.id, "d": 3, "r": "Thanks"}, hr.token)
    query = '{ users(search: "ana") { nodes { email pointsBalance } } }'
    assert (await api.data(query, token=hr.token))["users"]["nodes"] == [
        {"email": "ana@a.com", "pointsBalance": 3}
    ]
    assert (await api.error(query.replace("ana", "ben"), token=ana.token)).codes == ["FORBIDDEN"]


BALANCE_OF_NOBODY = "{ me { pointsBalance } }"


async def test_adjustments_are_hr_only_never_overdraw_and_repeat_safely(
    api: GraphQL, app_db: Database
) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, app_db, "ana@a.com")
    zoe = await sign_in(api, app_db, "zoe@b.com", team="Team B")
    assert (await api.error(ADJUST, {"u": hr.id, "d": 5, "r": "me"}, ana.token)).codes == ["FORBIDDEN"]
    assert (await api.error(ADJUST, {"u": zoe.id, "d": 5, "r": "x"}, hr.token)).codes == ["NOT_FOUND"]
    error = await api.error(ADJUST, {"u": ana.id, "d": -1, "r": "x"}, hr.token)
    assert error.codes == ["INSUFFICIENT_POINTS"]
    for _ in range(3):
        await api.data(ADJUST, {"u": ana.id, "d": 8, "r": "Bonus", "k": "bonus-7"}, hr.token)
    assert await balance(api, ana) == 8
    assert (await api.error(ADJUST, {"u": ana.id, "d": 9, "r": "Bonus", "k": "bonus-7"}, hr.token)).codes == [
        "CONFLICT"
    ]
    assert (await api.post(BALANCE_OF_NOBODY))["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_rules_are_public_and_hr_edits_them(api: GraphQL, app_db: Database) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, app_db, "ana@a.com")
    zoe = await sign_in(api, app_db, "zhao.li@b.com", team="研发中心")
    rules = (await api.data(RULES, token=ana.token))["pointRules"]
    defaults = {
        "PAIN_POINT_ACCEPTED": (5, 50, 500),
        "PAIN_POINT_ADOPTED": (15, 60, 300),
        "ORDER_WON": (30, 300, 1500),
        "COMMENT_RESOLVED": (2, 10, 100),
        "SNAPSHOT_NAMED": (1, 3, 30),
        "ASSET_REUSED": (3, 30, 300),
        "ASSET_SUBSCRIBED": (1, 10, 100),
    }
    assert {r["action"]: (r["points"], r["dailyCap"], r["monthlyCap"]) for r in rules} == defaults
    assert (await api.error(UPDATE_RULE, {"a": "ORDER_WON", "i": {"points": 1}}, ana.token)).codes == [
        "FORBIDDEN"
    ]
    changed = await api.data(UPDATE_RULE, {"a": "COMMENT_RESOLVED", "i": {"points": 3}}, hr.token)
    assert changed["updatePointRule"] == {
        "action": "COMMENT_RESOLVED",
        "points": 3,
        "dailyCap": 10,
        "monthlyCap": 100,
        "active": True,
    }
    uncapped = await api.data(
        UPDATE_RULE,
        {"a": "COMMENT_RESOLVED", "i": {"dailyCap": None, "monthlyCap": 40, "active": False}},
        hr.token,
    )
    assert uncapped["updatePointRule"] == {
        "action": "COMMENT_RESOLVED",
        "points": 3,
        "dailyCap": None,
        "monthlyCap": 40,
        "active": False,
    }
    # The other team's rules are theirs: unchanged.
    theirs = (await api.data(RULES, token=zoe.token))["pointRules"]
    assert {r["action"]: (r["points"], r["dailyCap"], r["monthlyCap"]) for r in theirs} == defaults
    assert (await api.error(UPDATE_RULE, {"a": "REDEMPTION", "i": {"points": 1}}, hr.token)).codes == [
        "BAD_INPUT"
    ]


async def test_contribution_ranking_for_hr(api: GraphQL, app_db: Database) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, app_db, "ana@a.com")
    year = str(datetime.now(UTC).year)
    report = (await api.data(RANKING, {"p": year}, hr.token))["contributionRanking"]
    assert report == {"period": year, "rows": []}
    assert (await api.error(RANKING, {"p": year}, ana.token)).codes == ["FORBIDDEN"]
    assert (await api.error(RANKING, {"p": "someday"}, hr.token)).codes == ["BAD_INPUT"]


WALLET = "{ me { pointsBalance pointsWallet { balance debt caps { action earnedToday earnedThisMonth reached } } } }"
ANOMALIES = "query($s: DateTime) { pointAnomalies(since: $s) { pairsSeen factor floor pairs { a { id } b { id } total } } }"


async def test_the_wallet_shows_a_debt_and_redeeming_waits_for_it(api: GraphQL, app_db: Database) -> None:
    from server.domain.points import awards, voids
    from server.infra.ids import new_id

    hr = await sign_in(api, app_db, "wang.fang@a.com", UserRole.HR)
    rd = await sign_in(api, app_db, "chen.jing@a.com", UserRole.RD)
    sun = await sign_in(api, app_db, "sun.li@a.com")
    book = await reward(api, hr, "技术书籍", 15)
    pain = new_id()
    async with app_db.transaction() as session:
        await awards.award(session, awards.pain_point_adopted(pain, sun.id, adopted_by=rd.id))
    await api.data(REDEEM, {"r": book}, sun.token)
    async with app_db.transaction() as session:
        await voids.void(session, user_id=sun.id, subject=awards.pain_point_subject(pain), reason="抄袭")
    me = (await api.data(WALLET, token=sun.token))["me"]
    wallet = me["pointsWallet"]
    assert (me["pointsBalance"], wallet["balance"], wallet["debt"]) == (-15, -15, 15)
    adopted = next(c for c in me["pointsWallet"]["caps"] if c["action"] == "PAIN_POINT_ADOPTED")
    assert (adopted["earnedToday"], adopted["earnedThisMonth"], adopted["reached"]) == (15, 15, False)
    error = await api.error(REDEEM, {"r": book}, sun.token)
    assert error.codes == ["IN_DEBT"]
    assert "You owe 15 points" in error.errors[0]["message"]
    # HR sees a teammate's wallet; a member does not see another's.
    seen = await api.data('{ users(search: "sun.li") { nodes { pointsWallet { debt } } } }', token=hr.token)
    assert seen["users"]["nodes"] == [{"pointsWallet": {"debt": 15}}]


async def test_the_anomaly_report_is_for_hr(api: GraphQL, app_db: Database) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, app_db, "ana@a.com")
    report = (await api.data(ANOMALIES, token=hr.token))["pointAnomalies"]
    assert report == {"pairsSeen": 0, "factor": 5, "floor": 100, "pairs": []}
    assert (await api.error(ANOMALIES, token=ana.token)).codes == ["FORBIDDEN"]
    assert (await api.error(ANOMALIES, {"s": "2999-01-01T00:00:00Z"}, hr.token)).codes == ["BAD_INPUT"]
