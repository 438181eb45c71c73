"""A case opened only by policies that mask the customer: its document's text, its redacted copy and its
versions show the customer's name (and personal data) masked, in Chinese and English; members read them as
written."""

import base64

from pycrdt import Doc
from sqlalchemy import update

from server.domain.documents.text import plain_text
from server.infra.db import Database
from server.models import Case, VisibilityPolicy
from tests.support import documents
from tests.support.access import build, mask
from tests.support.graphql import GraphQL

CASE = """query($id: ID!) { case(id: $id) {
  customer text customerMaskedBy maskedDocument snapshots { nodes { label text } } } }"""
VERSIONS = "query($c: ID!) { snapshots(caseId: $c) { nodes { label text } } }"
LISTED = "{ cases { nodes { id text customerMaskedBy } } }"
SNAPSHOT = "mutation($c: ID!, $l: String!) { createSnapshot(caseId: $c, label: $l) { id } }"


def _text_of(encoded: str) -> str:
    doc: Doc = Doc()  # type: ignore[type-arg]
    doc.apply_update(base64.b64decode(encoded))
    return plain_text(doc)


async def test_a_masked_reader_sees_the_document_and_its_versions_masked(
    api: GraphQL, app_db: Database
) -> None:
    world = await build(app_db, api)
    await mask(app_db, world, "director")
    south = world.cases["south"]
    async with app_db.transaction() as session:
        await session.execute(update(Case).where(Case.id == south).values(customer="深圳华星光电"))
    owner = world.people["owner"]
    await documents.write(
        app_db, south, owner.id, "深圳华星光电采购部要求续约，联系 13812345678", "第二段：深圳华星光电的报价"
    )
    await api.data(SNAPSHOT, {"c": south, "l": "深圳华星光电 初稿"}, world.tokens["owner"])

    seen = (await api.data(CASE, {"id": south}, world.tokens["director"]))["case"]
    expected = "深***光电采购部要求续约，联系 138****5678\n第二段：深***光电的报价"
    assert seen["customer"] == "深***光电"
    assert seen["text"] == expected
    assert seen["customerMaskedBy"] == ["Regional director, read-only"]
    assert _text_of(seen["maskedDocument"]) == expected
    assert [node["text"] for node in seen["snapshots"]["nodes"]] == [expected]
    versions = (await api.data(VERSIONS, {"c": south}, world.tokens["director"]))["snapshots"]["nodes"]
    assert [node["text"] for node in versions] == [expected]
    listed = {
        node["id"]: node
        for node in (await api.data(LISTED, token=world.tokens["director"]))["cases"]["nodes"]
    }
    assert listed[south]["text"] == expected
    assert listed[south]["customerMaskedBy"] == ["Regional director, read-only"]
    # 华东's case, opened by the same policy, has no document yet; nothing to mask is no error.
    assert listed[world.cases["east"]]["text"] == ""

    # The owner, a member, reads everything as written and is offered the live document.
    mine = (await api.data(CASE, {"id": south}, world.tokens["owner"]))["case"]
    written = "深圳华星光电采购部要求续约，联系 13812345678\n第二段：深圳华星光电的报价"
    assert (mine["text"], mine["customerMaskedBy"], mine["maskedDocument"]) == (written, [], None)
    assert [node["text"] for node in mine["snapshots"]["nodes"]] == [written]


async def test_an_english_customer_is_masked_in_the_document(api: GraphQL, app_db: Database) -> None:
    world = await build(app_db, api)
    await mask(app_db, world, "auditor")
    emea = world.cases["emea"]
    await documents.write(
        app_db, emea, world.people["owner"].id, "ACME retail asks for a discount", "mail z@acme.com"
    )
    seen = (await api.data(CASE, {"id": emea}, world.tokens["auditor"]))["case"]
    assert seen["text"] == "A*** Retail asks for a discount\nmail z***@acme.com"
    assert seen["customerMaskedBy"] == ["审计两周"]
    assert _text_of(seen["maskedDocument"]) == seen["text"]
    # Without the masking the auditor reads it as written.
    async with app_db.transaction() as session:
        await session.execute(
            update(VisibilityPolicy)
            .where(VisibilityPolicy.id == world.policies["auditor"])
            .values(mask_customer_fields=False)
        )
    clear = (await api.data(CASE, {"id": emea}, world.tokens["auditor"]))["case"]
    assert clear["text"] == "ACME retail asks for a discount\nmail z@acme.com"
    assert (clear["customerMaskedBy"], clear["maskedDocument"]) == ([], None)
