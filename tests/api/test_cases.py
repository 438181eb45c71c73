import pytest

from server.domain.documents.search_text import index_document_text
from server.infra.db import Database
from server.infra.ids import new_id
from tests.support.documents import write
from tests.support.graphql import GraphQL
from tests.support.people import make_person

CASE = "query($id: ID!) { case(id: $id) { id title customer myRole text members { user { id } role } } }"


async def test_create_case_add_members_and_read_it(api: GraphQL, app_db: Database) -> None:
    owner = await make_person(app_db, "owner@a.com")
    mate = await make_person(app_db, "mate@a.com")
    owner_token = await api.login(owner.email, owner.password)
    mate_token = await api.login(mate.email, mate.password)
    case_id = await api.create_case(owner_token, title="Renewal risk", customer="Contoso")
    await api.add_member(owner_token, case_id, mate.id, "COMMENTER")
    case = (await api.data(CASE, {"id": case_id}, mate_token))["case"]
    assert case["title"] == "Renewal risk"
    assert case["myRole"] == "COMMENTER"
    assert case["text"] == ""
    assert {(m["user"]["id"], m["role"]) for m in case["members"]} == {
        (owner.id, "OWNER"),
        (mate.id, "COMMENTER"),
    }
    listed = await api.data("{ cases { nodes { id myRole } pageInfo { hasNextPage } } }", token=mate_token)
    assert listed["cases"]["nodes"] == [{"id": case_id, "myRole": "COMMENTER"}]


async def test_non_members_get_not_found_exactly_like_a_missing_case(api: GraphQL, app_db: Database) -> None:
    owner = await make_person(app_db, "owner@a.com")
    stranger = await make_person(app_db, "stranger@a.com")
    owner_token = await api.login(owner.email, owner.password)
    stranger_token = await api.login(stranger.email, stranger.password)
    case_id = await api.create_case(owner_token)
    missing_id = new_id()
    foreign = await api.error(CASE, {"id": case_id}, stranger_token)
    missing = await api.error(CASE, {"id": missing_id}, stranger_token)
    assert foreign.codes == missing.codes == ["NOT_FOUND"]
    assert foreign.errors[0]["message"].replace(case_id, "X") == missing.errors[0]["message"].replace(
        missing_id, "X"
    )
    error = await api.error(
        "mutation($c: ID!, $u: ID!) { addCaseMember(caseId: $c, userId: $u, role: EDITOR) { role } }",
        {"c": case_id, "u": stranger.id},
        stranger_token,
    )
    assert error.codes == ["NOT_FOUND"]
    assert (await api.data("{ cases { nodes { id } } }", token=stranger_token))["cases"]["nodes"] == []


async def test_a_case_and_who_asks_come_from_one_token(api: GraphQL, app_db: Database) -> None:
    owner = await make_person(app_db, "owner@a.com")
    token = await api.login(owner.email, owner.password)
    case_id = await api.create_case(token)
    # `case` reads the token and the membership in one query; `me` beside it uses the same user.
    both = await api.data("query($id: ID!) { case(id: $id) { id myRole } me { id } }", {"id": case_id}, token)
    assert both == {"case": {"id": case_id, "myRole": "OWNER"}, "me": {"id": owner.id}}
    for bad in ("made-up", None):
        assert (await api.error(CASE, {"id": case_id}, bad)).codes == ["UNAUTHENTICATED"]
    await api.data("mutation { logout }", token=token)
    assert (await api.error(CASE, {"id": case_id}, token)).codes == ["UNAUTHENTICATED"]
    fresh = await api.login(owner.email, owner.password)
    assert (await api.error(CASE, {"id": "garbage"}, fresh)).codes == ["NOT_FOUND"]


async def test_only_owner_adds_members(api: GraphQL, app_db: Database) -> None:
    owner = await make_person(app_db, "owner@a.com")
    editor = await make_person(app_db, "editor@a.com")
    other = await make_person(app_db, "other@a.com")
    owner_token = await api.login(owner.email, owner.password)
    editor_token = await api.login(editor.email, editor.password)
    case_id = await api.create_case(owner_token)
    await api.add_member(owner_token, case_id, editor.id, "EDITOR")
    error = await api.error(
        "mutation($c: ID!, $u: ID!) { addCaseMember(caseId: $c, userId: $u, role: EDITOR) { role } }",
        {"c": case_id, "u": other.id},
        editor_token,
    )
    assert error.codes == ["FORBIDDEN"]


@pytest.mark.parametrize(("title", "customer"), [("", "C"), ("T", "   "), ("x" * 301, "C")])
async def test_bad_case_input_is_refused(api: GraphQL, app_db: Database, title: str, customer: str) -> None:
    owner = await make_person(app_db, "owner@a.com")
    token = await api.login(owner.email, owner.password)
    error = await api.error(
        "mutation($i: CreateCaseInput!) { createCase(input: $i) { id } }",
        {"i": {"title": title, "customer": customer}},
        token,
    )
    assert error.codes == ["BAD_INPUT"]


async def test_users_lists_only_my_team(api: GraphQL, app_db: Database) -> None:
    ana = await make_person(app_db, "ana@a.com")
    await make_person(app_db, "ben@a.com")
    await make_person(app_db, "zoe@b.com", team="Team B")
    token = await api.login(ana.email, ana.password)
    data = await api.data(
        '{ users(search: "BEN") { nodes { email } } all: users { nodes { email } } }', token=token
    )
    assert [u["email"] for u in data["users"]["nodes"]] == ["ben@a.com"]
    assert sorted(u["email"] for u in data["all"]["nodes"]) == ["ana@a.com", "ben@a.com"]
    assert (await api.error("{ users(first: 1000) { nodes { id } } }", token=token)).codes == ["BAD_INPUT"]


LIST = """
query($q: String, $customer: String, $role: CaseRole, $archived: Boolean = false) {
  cases(query: $q, customer: $customer, myRole: $role, archived: $archived) {
    nodes { title archivedAt preview lastEditedAt lastEditor { name } }
  }
}
"""
ARCHIVE = "mutation($c: ID!) { archiveCase(caseId: $c) { id archivedAt } }"
UNARCHIVE = "mutation($c: ID!) { unarchiveCase(caseId: $c) { id archivedAt } }"


async def _titles(api: GraphQL, token: str, **variables: object) -> list[str]:
    data = await api.data(LIST, variables, token)
    return [node["title"] for node in data["cases"]["nodes"]]


async def test_search_and_filter_the_case_list_in_chinese_and_english(api: GraphQL, app_db: Database) -> None:
    owner = await make_person(app_db, "owner@a.com", name="王芳")
    mate = await make_person(app_db, "mate@a.com")
    stranger = await make_person(app_db, "stranger@a.com")
    owner_token = await api.login(owner.email, owner.password)
    mate_token = await api.login(mate.email, mate.password)
    stranger_token = await api.login(stranger.email, stranger.password)
    hospital = await api.create_case(owner_token, title="手术室紧急故障处置", customer="协和医院")
    renewal = await api.create_case(owner_token, title="Renewal risk", customer="Contoso")
    await api.add_member(owner_token, hospital, mate.id, "VIEWER")
    await api.add_member(owner_token, renewal, mate.id, "EDITOR")
    await write(app_db, renewal, owner.id, "客户要求远程诊断", "Budget approved in Q3")
    await index_document_text({"db": app_db}, renewal)

    assert await _titles(api, mate_token, q="故障") == ["手术室紧急故障处置"]
    assert await _titles(api, mate_token, q="远程诊断") == ["Renewal risk"]
    assert await _titles(api, mate_token, q="budget Q3") == ["Renewal risk"]
    assert await _titles(api, mate_token, q="RENEWAL") == ["Renewal risk"]
    assert await _titles(api, mate_token, customer="协和医院") == ["手术室紧急故障处置"]
    assert await _titles(api, mate_token, role="EDITOR") == ["Renewal risk"]
    assert await _titles(api, mate_token, role="OWNER") == []
    for query in ("故障", "远程诊断", "Renewal", "协和医院", ""):
        assert await _titles(api, stranger_token, q=query, archived=None) == []
    listed = (await api.data(LIST, {"q": "budget"}, mate_token))["cases"]["nodes"][0]
    assert listed["preview"] == "客户要求远程诊断\nBudget approved in Q3"
    assert listed["lastEditor"] == {"name": "王芳"}
    assert listed["lastEditedAt"] is not None
    customers = await api.data("{ caseCustomers }", token=mate_token)
    assert customers == {"caseCustomers": ["Contoso", "协和医院"]}
    assert await api.data("{ caseCustomers }", token=stranger_token) == {"caseCustomers": []}

    too_long = await api.error(LIST, {"q": "故" * 201}, mate_token)
    assert too_long.codes == ["BAD_INPUT"]
    assert "200 characters" in too_long.errors[0]["message"]


async def test_only_owners_archive_and_archived_cases_leave_the_list(api: GraphQL, app_db: Database) -> None:
    owner = await make_person(app_db, "owner@a.com")
    editor = await make_person(app_db, "editor@a.com")
    stranger = await make_person(app_db, "stranger@a.com")
    owner_token = await api.login(owner.email, owner.password)
    editor_token = await api.login(editor.email, editor.password)
    stranger_token = await api.login(stranger.email, stranger.password)
    case_id = await api.create_case(owner_token, title="旧项目 Old deal", customer="Contoso")
    await api.add_member(owner_token, case_id, editor.id, "EDITOR")

    assert (await api.error(ARCHIVE, {"c": case_id}, editor_token)).codes == ["FORBIDDEN"]
    assert (await api.error(ARCHIVE, {"c": case_id}, stranger_token)).codes == ["NOT_FOUND"]
    archived = (await api.data(ARCHIVE, {"c": case_id}, owner_token))["archiveCase"]
    assert archived["archivedAt"] is not None
    assert (await api.error(ARCHIVE, {"c": case_id}, owner_token)).codes == ["CONFLICT"]

    assert await _titles(api, editor_token) == []
    assert await _titles(api, editor_token, archived=True) == ["旧项目 Old deal"]
    assert await _titles(api, editor_token, archived=None, q="旧项目") == ["旧项目 Old deal"]
    case = await api.data("query($id: ID!) { case(id: $id) { archivedAt } }", {"id": case_id}, editor_token)
    assert case["case"]["archivedAt"] is not None

    assert (await api.error(UNARCHIVE, {"c": case_id}, editor_token)).codes == ["FORBIDDEN"]
    assert (await api.data(UNARCHIVE, {"c": case_id}, owner_token))["unarchiveCase"]["archivedAt"] is None
    assert (await api.error(UNARCHIVE, {"c": case_id}, owner_token)).codes == ["CONFLICT"]
    assert await _titles(api, editor_token) == ["旧项目 Old deal"]
