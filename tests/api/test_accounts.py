"""Your password and sessions, and an admin's actions on accounts, through GraphQL."""

from datetime import timedelta

from server.infra.db import Database
from server.models import UserRole
from tests.domain.accounts.helpers import age, audit_of, token_id
from tests.support.graphql import GraphQL
from tests.support.people import PASSWORD, make_person

ME = "{ me { id role } }"
CHANGE = "mutation($c: String!, $n: String!) { changePassword(current: $c, new: $n) }"
EVERYWHERE = "mutation { signOutEverywhere }"
DEACTIVATE = "mutation($u: ID!) { deactivateUser(userId: $u) { id } }"
REACTIVATE = "mutation($u: ID!) { reactivateUser(userId: $u) { id } }"
SET_ROLE = "mutation($u: ID!, $r: UserRole!) { setUserRole(userId: $u, role: $r) { id role } }"
NEW = "新的密码 new passphrase"


async def test_change_password_keeps_this_session_and_signs_out_the_others(
    api: GraphQL, app_db: Database
) -> None:
    person = await make_person(app_db, "wang.fang@a.com", name="王芳")
    this, laptop, phone = [await api.login(person.email, PASSWORD) for _ in range(3)]
    assert await api.data(CHANGE, {"c": PASSWORD, "n": NEW}, this) == {"changePassword": 2}
    assert (await api.data(ME, token=this))["me"]["id"] == person.id
    for token in (laptop, phone):
        assert (await api.error(ME, token=token)).codes == ["UNAUTHENTICATED"]
    assert (
        await api.error(f'mutation {{ login(email: "{person.email}", password: "{PASSWORD}") {{ token }} }}')
    ).codes == ["UNAUTHENTICATED"]
    await api.login(person.email, NEW)
    assert [e["by"] for e in await audit_of(app_db, "user.password_changed")] == ["self"]


async def test_a_wrong_current_password_is_refused(api: GraphQL, app_db: Database) -> None:
    person = await make_person(app_db, "li.lei@a.com", name="李雷")
    this, other = await api.login(person.email, PASSWORD), await api.login(person.email, PASSWORD)
    error = await api.error(CHANGE, {"c": "not my password", "n": NEW}, this)
    assert error.codes == ["BAD_INPUT"]
    assert error.errors[0]["message"] == "The current password is wrong."
    assert (await api.error(CHANGE, {"c": PASSWORD, "n": "short"}, this)).codes == ["BAD_INPUT"]
    assert (await api.error(CHANGE, {"c": PASSWORD, "n": NEW})).codes == ["UNAUTHENTICATED"]
    assert (await api.data(ME, token=other))["me"]["id"] == person.id
    await api.login(person.email, PASSWORD)


async def test_guessing_the_current_password_is_throttled_like_signing_in(
    api: GraphQL, app_db: Database
) -> None:
    person = await make_person(app_db, "han.meimei@a.com", name="韩梅梅")
    this = await api.login(person.email, PASSWORD)
    for n in range(5):  # WARROOM_LOGIN_ACCOUNT_ATTEMPTS
        assert (await api.error(CHANGE, {"c": f"猜 guess {n}", "n": NEW}, this)).codes == ["BAD_INPUT"]
    refused = await api.error(CHANGE, {"c": PASSWORD, "n": NEW}, this)
    assert refused.errors[0]["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 1}
    assert refused.errors[0]["message"] == "Too many sign-in attempts. Try again in 1 second."
    assert (
        await api.error(f'mutation {{ login(email: "{person.email}", password: "{PASSWORD}") {{ token }} }}')
    ).codes == ["RATE_LIMITED"]
    failed = await audit_of(app_db, "user.login_failed")
    assert [(e["subject"], e["reason"]) for e in failed] == [(person.id, "wrong_current_password")] * 5
    assert await audit_of(app_db, "user.password_changed") == []


async def test_sign_out_everywhere_ends_this_session_too(api: GraphQL, app_db: Database) -> None:
    person = await make_person(app_db, "zhao.min@a.com", name="赵敏")
    this, other = await api.login(person.email, PASSWORD), await api.login(person.email, PASSWORD)
    assert await api.data(EVERYWHERE, token=this) == {"signOutEverywhere": 2}
    for token in (this, other):
        assert (await api.error(ME, token=token)).codes == ["UNAUTHENTICATED"]
    assert [e["revoked_tokens"] for e in await audit_of(app_db, "user.signed_out_everywhere")] == [2]


async def test_an_admin_deactivates_and_reactivates_a_teammate(api: GraphQL, app_db: Database) -> None:
    admin = await make_person(app_db, "admin@a.com", role=UserRole.ADMIN, name="管理员")
    member = await make_person(app_db, "sun.li@a.com", name="孙丽")
    admin_token, member_token = (
        await api.login(admin.email, PASSWORD),
        await api.login(member.email, PASSWORD),
    )
    assert (await api.error(DEACTIVATE, {"u": admin.id}, member_token)).codes == ["FORBIDDEN"]
    assert (await api.error(DEACTIVATE, {"u": admin.id}, admin_token)).codes == ["CONFLICT"]
    await api.data(DEACTIVATE, {"u": member.id}, admin_token)
    assert (await api.error(ME, token=member_token)).codes == ["UNAUTHENTICATED"]
    login = await api.error(
        f'mutation {{ login(email: "{member.email}", password: "{PASSWORD}") {{ token }} }}'
    )
    assert login.errors[0]["message"] == "This account is disabled."
    await api.data(REACTIVATE, {"u": member.id}, admin_token)
    await api.login(member.email, PASSWORD)
    assert (await api.error(ME, token=member_token)).codes == ["UNAUTHENTICATED"], "old sessions stay ended"


async def test_set_user_role_is_for_admins_and_audited(api: GraphQL, app_db: Database) -> None:
    admin = await make_person(app_db, "admin@a.com", role=UserRole.ADMIN, name="管理员")
    hr = await make_person(app_db, "hr@a.com", role=UserRole.HR, name="人事部")
    member = await make_person(app_db, "zhou.jie@a.com", name="周杰")
    admin_token = await api.login(admin.email, PASSWORD)
    for person in (hr, member):
        token = await api.login(person.email, PASSWORD)
        for target in (member.id, admin.id, person.id):
            error = await api.error(SET_ROLE, {"u": target, "r": "ADMIN"}, token)
            assert error.codes == ["FORBIDDEN"], (person, target)
    assert await audit_of(app_db, "user.role_changed") == []
    changed = await api.data(SET_ROLE, {"u": member.id, "r": "HR"}, admin_token)
    assert changed == {"setUserRole": {"id": member.id, "role": "HR"}}
    assert (await api.error(SET_ROLE, {"u": admin.id, "r": "MEMBER"}, admin_token)).codes == ["CONFLICT"]
    assert await audit_of(app_db, "user.role_changed") == [
        {"actor": admin.id, "subject": member.id, "email": member.email, "before": "member", "after": "hr"}
    ]


async def test_a_token_left_unused_past_the_idle_limit_is_refused(api: GraphQL, app_db: Database) -> None:
    person = await make_person(app_db, "he.ping@a.com", name="何平")
    token = await api.login(person.email, PASSWORD)
    tid = await token_id(app_db, token)
    await age(app_db, tid, timedelta(hours=71, minutes=55))
    assert (await api.data(ME, token=token))["me"]["id"] == person.id
    # That request counted as a use: the clock starts again.
    await age(app_db, tid, timedelta(hours=71))
    assert (await api.data(ME, token=token))["me"]["id"] == person.id
    await age(app_db, tid, timedelta(hours=73))
    assert (await api.error(ME, token=token)).codes == ["UNAUTHENTICATED"]
