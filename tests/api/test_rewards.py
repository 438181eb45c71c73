from server.infra.db import Database
from server.models import UserRole
from tests.support.graphql import GraphQL
from tests.support.points import CREATE_REWARD, reward, sign_in

REWARDS = "query($all: Boolean) { rewards(includeInactive: $all) { nodes { name cost stock active } } }"
UPDATE = "mutation($id: ID!, $i: UpdateRewardInput!) { updateReward(id: $id, input: $i) { name kind cost stock active description } }"


async def test_hr_keeps_the_catalogue_everyone_reads_it(api: GraphQL, app_db: Database) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, app_db, "ana@a.com")
    created = await api.data(
        CREATE_REWARD,
        {"i": {"name": "Leadership course", "kind": "TRAINING", "cost": 300, "stock": 5}},
        hr.token,
    )
    assert created["createReward"]["stock"] == 5
    leave = await reward(api, hr, "Half day off", 120)
    changed = await api.data(UPDATE, {"id": leave, "i": {"stock": 3, "description": "Any Friday"}}, hr.token)
    assert changed["updateReward"] == {
        "name": "Half day off",
        "kind": "TRAINING",
        "cost": 120,
        "stock": 3,
        "active": True,
        "description": "Any Friday",
    }
    unlimited = await api.data(UPDATE, {"id": leave, "i": {"stock": None, "kind": "LEAVE"}}, hr.token)
    assert (unlimited["updateReward"]["stock"], unlimited["updateReward"]["kind"]) == (None, "LEAVE")
    await api.data(UPDATE, {"id": leave, "i": {"active": False}}, hr.token)
    seen = (await api.data(REWARDS, {"all": True}, ana.token))["rewards"]["nodes"]
    assert [r["name"] for r in seen] == ["Leadership course"]
    everything = (await api.data(REWARDS, {"all": True}, hr.token))["rewards"]["nodes"]
    assert [r["name"] for r in everything] == ["Leadership course", "Half day off"]


async def test_catalogue_errors(api: GraphQL, app_db: Database) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    ana = await sign_in(api, app_db, "ana@a.com")
    good = {"name": "Cash", "kind": "CASH", "cost": 100}
    assert (await api.error(CREATE_REWARD, {"i": good}, ana.token)).codes == ["FORBIDDEN"]
    assert (await api.error(CREATE_REWARD, {"i": {**good, "cost": 0}}, hr.token)).codes == ["BAD_INPUT"]
    assert (await api.error(CREATE_REWARD, {"i": {**good, "stock": -2}}, hr.token)).codes == ["BAD_INPUT"]
    await api.data(CREATE_REWARD, {"i": good}, hr.token)
    duplicate = await api.error(CREATE_REWARD, {"i": good}, hr.token)
    assert (duplicate.codes, duplicate.reasons) == (["CONFLICT"], ["DUPLICATE_NAME"])
    assert (await api.error(UPDATE, {"id": "nope", "i": {"cost": 5}}, hr.token)).codes == ["NOT_FOUND"]


async def test_a_second_reward_of_a_name_says_why_in_a_reason_clients_translate(
    api: GraphQL, app_db: Database
) -> None:
    hr = await sign_in(api, app_db, "hr@a.com", UserRole.HR)
    await reward(api, hr, "星巴克咖啡券", 50)
    tea = await reward(api, hr, "奶茶券", 30)
    again = {"name": "星巴克咖啡券", "kind": "OTHER", "cost": 60}
    for refused in (
        await api.error(CREATE_REWARD, {"i": again}, hr.token),
        await api.error(UPDATE, {"id": tea, "i": {"name": "星巴克咖啡券"}}, hr.token),
    ):
        assert refused.codes == ["CONFLICT"]
        assert refused.reasons == ["DUPLICATE_NAME"]
        assert "星巴克咖啡券" in refused.errors[0]["message"]
