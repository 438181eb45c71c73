"""maskCustomerFields on a policy that opens cases: Case.customer masked on the cases it alone opens (the
list, one case, the customer list and filter, the name inside titles and previews, search), as written on
one's own cases and for members."""

from server.domain.cases import actions as cases
from server.infra.db import Database
from server.models import CaseRole, DocText, User
from tests.support.access import World, build, mask
from tests.support.graphql import GraphQL

LIST = "query($c: String) { cases(customer: $c) { nodes { id customer } } }"
ONE = "query($id: ID!) { case(id: $id) { customer } }"
CUSTOMERS = "{ caseCustomers }"


async def test_a_masking_policy_masks_the_customers_of_the_cases_it_alone_opens(
    api: GraphQL, app_db: Database
) -> None:
    world = await build(app_db, api)
    await mask(app_db, world, "director")
    async with app_db.transaction() as session:
        owner = await session.get_one(User, world.people["owner"].id)
        await cases.add_member(
            session,
            owner,
            case_id=world.cases["east"],
            member_id=world.people["director"].id,
            role=CaseRole.COMMENTER,
        )
    south, east = world.cases["south"], world.cases["east"]
    token = world.tokens["director"]
    # By hand: 华南's case is opened by the masking policy only; 华东's the director is now a member of.
    expected = {south: "阿***", east: "华为终端"}
    listed = (await api.data(LIST, {"c": None}, token))["cases"]["nodes"]
    assert {node["id"]: node["customer"] for node in listed} == expected
    for case_id, customer in expected.items():
        assert (await api.data(ONE, {"id": case_id}, token))["case"]["customer"] == customer
    # A masked customer is neither listed for the filter nor found by it.
    assert (await api.data(CUSTOMERS, token=token))["caseCustomers"] == ["华为终端"]
    assert (await api.data(LIST, {"c": "阿里零售"}, token))["cases"]["nodes"] == []
    # The owner, a member, sees every customer as written.
    owner_list = (await api.data(LIST, {"c": None}, world.tokens["owner"]))["cases"]["nodes"]
    assert {node["customer"] for node in owner_list} == {"阿里零售", "华为终端", "Acme Retail", "无区域客户"}
    # The auditor's policy opens every case without masking: English and Chinese names as written.
    auditor = (await api.data(LIST, {"c": "Acme Retail"}, world.tokens["auditor"]))["cases"]["nodes"]
    assert [node["customer"] for node in auditor] == ["Acme Retail"]


async def test_an_english_customer_keeps_its_kind_masked(api: GraphQL, app_db: Database) -> None:
    world = await build(app_db, api)
    await mask(app_db, world, "auditor")
    token = world.tokens["auditor"]
    emea = (await api.data(ONE, {"id": world.cases["emea"]}, token))["case"]
    assert emea["customer"] == "A*** Retail"
    assert (await api.data(CUSTOMERS, token=token))["caseCustomers"] == []


SEARCH = "query($q: String) { cases(query: $q) { nodes { id title customer preview } } }"
TITLE = "query($id: ID!) { case(id: $id) { title customer } }"


async def _mask_policy(db: Database, world: World, name: str) -> None:
    """Masks the policy `name` and gives two cases a text that names their customers."""
    await mask(db, world, name)
    async with db.transaction() as session:
        for key, text in (
            ("south", "阿里零售采购部要求续约，价格下调 5%\n第二行"),
            ("emea", "ACME retail asks for a renewal discount\nsecond line"),
        ):
            session.add(DocText(case_id=world.cases[key], text=text, position=1))


async def _found(api: GraphQL, query: str, token: str) -> dict[str, dict[str, str]]:
    nodes = (await api.data(SEARCH, {"q": query}, token))["cases"]["nodes"]
    return {node["id"]: node for node in nodes}


async def test_a_masked_customer_is_masked_in_titles_and_previews_and_not_found_by_its_name(
    api: GraphQL, app_db: Database
) -> None:
    world = await build(app_db, api)
    await _mask_policy(app_db, world, "director")
    south, token = world.cases["south"], world.tokens["director"]
    # The title "阿里零售 续约" and the document's first lines show the name masked, listed and alone.
    listed = (await _found(api, "", token))[south]
    assert (listed["title"], listed["customer"]) == ("阿*** 续约", "阿***")
    assert listed["preview"] == "阿***采购部要求续约，价格下调 5%\n第二行"
    assert (await api.data(TITLE, {"id": south}, token))["case"] == {
        "title": "阿*** 续约",
        "customer": "阿***",
    }
    # Not found by the name, nor by a piece of it, in the customer, the title or the text.
    for name in ("阿里零售", "阿里", "零售", "阿里零售 续约"):
        assert south not in await _found(api, name, token), name
    # Found by the rest of the title and of the text.
    assert south in await _found(api, "续约", token)
    assert south in await _found(api, "采购部 价格下调", token)
    # The owner, a member, sees and finds it as written.
    owner = await _found(api, "阿里零售", world.tokens["owner"])
    assert owner[south]["title"] == "阿里零售 续约"
    assert owner[south]["preview"].startswith("阿里零售采购部")


async def test_an_english_masked_customer_is_masked_in_titles_and_not_found_by_its_name(
    api: GraphQL, app_db: Database
) -> None:
    world = await build(app_db, api)
    await _mask_policy(app_db, world, "auditor")
    emea, token = world.cases["emea"], world.tokens["auditor"]
    shown = (await _found(api, "", token))[emea]
    assert (shown["title"], shown["customer"]) == ("A*** Retail 续约", "A*** Retail")
    # The name is found ignoring case, in the title and in the text ("ACME retail").
    assert shown["preview"] == "A*** Retail asks for a renewal discount\nsecond line"
    for name in ("Acme", "acme retail", "RETAIL", "Acme Retail 续约"):
        assert emea not in await _found(api, name, token), name
    assert emea in await _found(api, "Discount", token)
    assert emea in await _found(api, "续约 renewal", token)
    # The director's policy does not mask: Acme Retail is outside their regions, 阿里零售 found as written.
    director = await _found(api, "阿里零售", world.tokens["director"])
    assert director[world.cases["south"]]["title"] == "阿里零售 续约"
