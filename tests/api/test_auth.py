from server.infra.db import Database
from tests.support.graphql import GraphQL
from tests.support.people import PASSWORD, make_person

ME = "{ me { id email name role } }"


async def test_login_me_logout(api: GraphQL, app_db: Database) -> None:
    person = await make_person(app_db, "ana@a.com")
    data = await api.data(
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token expiresAt user { id } } }",
        {"e": "ana@a.com", "p": PASSWORD},
    )
    token = data["login"]["token"]
    assert data["login"]["user"]["id"] == person.id
    assert data["login"]["expiresAt"].endswith("+00:00")
    me = (await api.data(ME, token=token))["me"]
    assert me == {"id": person.id, "email": "ana@a.com", "name": "Ana", "role": "MEMBER"}
    assert (await api.data("mutation { logout }", token=token)) == {"logout": True}
    assert (await api.error(ME, token=token)).codes == ["UNAUTHENTICATED"]


async def test_bad_credentials_and_missing_token(api: GraphQL, app_db: Database) -> None:
    await make_person(app_db, "ana@a.com")
    error = await api.error(
        'mutation { login(email: "ana@a.com", password: "nope nope") { token } }',
    )
    assert error.codes == ["UNAUTHENTICATED"]
    assert error.errors[0]["message"] == "Wrong email or password."
    assert (await api.error(ME)).codes == ["UNAUTHENTICATED"]
    assert (await api.error(ME, token="forged")).codes == ["UNAUTHENTICATED"]
