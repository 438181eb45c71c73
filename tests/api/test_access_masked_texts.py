"""A masking policy masks the customer and personal data in what people wrote, not only in the fields that
name the customer: comment bodies and quotes, and pain point texts, on every path that shows them to a
reader whom only masking policies let in. Members, and readers a clear policy lets in, read them as written."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from server.infra.db import Database
from server.infra.ids import new_id
from server.models import Cluster, ClusterMembership, ClusterRun, MembershipSource, PainPoint, User
from tests.support.access import World, add_pain_points, build, mask
from tests.support.comments import anchor_on, document, store_document
from tests.support.gqlws import subscribe
from tests.support.graphql import GraphQL
from tests.support.live import Live, live_server

PHONE = "13800138000"
WRITTEN = f"阿里零售 的王经理电话 {PHONE}，邮箱 wang@alibaba.com 要求退款；ACME retail 也在问"
MASKED = "阿*** 的王经理电话 138****8000，邮箱 w***@alibaba.com 要求退款；ACME retail 也在问"
QUOTE = f"阿里零售 的王经理电话 {PHONE}"
MASKED_QUOTE = "阿*** 的王经理电话 138****8000"

ADD = "mutation($i: AddCommentInput!) { addComment(input: $i) { id } }"
REPLY = "mutation($c: ID!, $b: String!) { replyToComment(commentId: $c, body: $b) { id } }"
CASE_COMMENTS = (
    "query($id: ID!) { case(id: $id) { comments { nodes { body anchor { quote currentQuote } "
    "replies { body } } } } }"
)
ONE_COMMENT = "query($id: ID!) { comment(id: $id) { body anchor { quote currentQuote } replies { body } } }"
POLICY_COMMENTS = "{ policyComments { nodes { id body anchor { quote currentQuote } } } }"
CASE_PAIN_POINTS = "query($id: ID!) { casePainPoints(caseId: $id) { nodes { id text customer } } }"
ONE_PAIN_POINT = "query($id: ID!) { painPoint(id: $id) { text customer } }"


async def _pain_point(db: Database, world: World) -> str:
    async with db.transaction() as session:
        author = await session.get_one(User, world.people["owner"].id)
        pain = PainPoint(
            case_id=world.cases["south"],
            team_id=author.team_id,
            author_id=author.id,
            text=WRITTEN,
            normalized_text=WRITTEN,
            customer="阿里零售",
        )
        session.add(pain)
        await session.flush()
        return pain.id


async def _written(api: GraphQL, db: Database, world: World) -> tuple[str, str]:
    """On 华南's case (阿里零售): a document, a thread anchored on a passage naming the customer and a
    phone, with a reply; a pain point saying the same. Returns (thread id, pain point id)."""
    south, owner = world.cases["south"], world.people["owner"]
    doc = document(WRITTEN, "第二段")
    await store_document(db, south, owner.id, doc)
    token = world.tokens["owner"]
    anchor = anchor_on(doc, QUOTE)
    thread = await api.data(ADD, {"i": {"caseId": south, "body": WRITTEN, "anchor": anchor}}, token)
    thread_id = thread["addComment"]["id"]
    await api.data(REPLY, {"c": thread_id, "b": f"回复：{WRITTEN}"}, token)
    return thread_id, await _pain_point(db, world)


def _thread(body: str, quote: str, reply: str) -> dict[str, Any]:
    return {"body": body, "anchor": {"quote": quote, "currentQuote": quote}, "replies": [{"body": reply}]}


async def test_a_masked_reader_of_the_case_reads_comments_and_pain_points_masked(
    api: GraphQL, app_db: Database
) -> None:
    world = await build(app_db, api)
    thread_id, pain_id = await _written(api, app_db, world)
    await mask(app_db, world, "director")
    south, director = world.cases["south"], world.tokens["director"]
    masked = _thread(MASKED, MASKED_QUOTE, f"回复：{MASKED}")
    listed = (await api.data(CASE_COMMENTS, {"id": south}, director))["case"]["comments"]["nodes"]
    assert listed == [masked]
    assert (await api.data(ONE_COMMENT, {"id": thread_id}, director))["comment"] == masked
    nodes = (await api.data(CASE_PAIN_POINTS, {"id": south}, director))["casePainPoints"]["nodes"]
    assert [(n["text"], n["customer"]) for n in nodes] == [(MASKED, "阿***")]
    one = (await api.data(ONE_PAIN_POINT, {"id": pain_id}, director))["painPoint"]
    assert one == {"text": MASKED, "customer": "阿***"}

    # The owner, a member, reads everything as written; so does the director once the policy is clear.
    written = _thread(WRITTEN, QUOTE, f"回复：{WRITTEN}")
    owner = world.tokens["owner"]
    assert (await api.data(CASE_COMMENTS, {"id": south}, owner))["case"]["comments"]["nodes"] == [written]
    assert (await api.data(ONE_PAIN_POINT, {"id": pain_id}, owner))["painPoint"]["text"] == WRITTEN
    await mask(app_db, world, "director", on=False)
    assert (await api.data(ONE_COMMENT, {"id": thread_id}, director))["comment"] == written
    nodes = (await api.data(CASE_PAIN_POINTS, {"id": south}, director))["casePainPoints"]["nodes"]
    assert [(n["text"], n["customer"]) for n in nodes] == [(WRITTEN, "阿里零售")]


async def test_a_quote_cut_through_the_customer_s_name_keeps_no_piece_of_it(
    api: GraphQL, app_db: Database
) -> None:
    """A passage selected from inside the name ("里零售 的王经理") would give that piece beside the copy's
    "阿***": the piece is masked, and the quote still stands in the masked copy, where the war room finds it."""
    world = await build(app_db, api)
    await mask(app_db, world, "director")
    south, owner = world.cases["south"], world.people["owner"]
    doc = document("阿里零售 的王经理说，下周再联系阿里零售采购部")
    await store_document(app_db, south, owner.id, doc)
    for cut in ("里零售 的王经理", "下周再联系阿里"):
        variables = {"i": {"caseId": south, "body": "看这里", "anchor": anchor_on(doc, cut)}}
        await api.data(ADD, variables, world.tokens["owner"])
    listed = (await api.data(CASE_COMMENTS, {"id": south}, world.tokens["director"]))["case"]["comments"]
    quotes = sorted(node["anchor"]["currentQuote"] for node in listed["nodes"])
    assert quotes == ["*** 的王经理", "下周再联系阿***"]
    copy = await api.case_text(world.tokens["director"], south)
    assert copy == "阿*** 的王经理说，下周再联系阿***采购部"
    assert all(quote in copy for quote in quotes)


async def test_comments_and_pain_points_a_masking_view_reaches_are_masked(
    api: GraphQL, app_db: Database
) -> None:
    """The agent's policy opens no case, only the comments and pain points of 华南's cases, masked."""
    world = await build(app_db, api)
    thread_id, pain_id = await _written(api, app_db, world)
    agent = world.tokens["agent"]
    reached = (await api.data(POLICY_COMMENTS, token=agent))["policyComments"]["nodes"]
    # A closed case's document is not read: the anchor keeps only its quote.
    assert {n["body"]: n["anchor"] for n in reached} == {
        MASKED: {"quote": MASKED_QUOTE, "currentQuote": None},
        f"回复：{MASKED}": None,
    }
    one = (await api.data(ONE_COMMENT, {"id": thread_id}, agent))["comment"]
    assert (one["body"], one["replies"]) == (MASKED, [{"body": f"回复：{MASKED}"}])
    assert (await api.data(ONE_PAIN_POINT, {"id": pain_id}, agent))["painPoint"] == {
        "text": MASKED,
        "customer": "阿***",
    }


COMMENT_EVENTS = "subscription($c: ID!) { commentEvents(caseId: $c) { kind comment { body } } }"
PAIN_POINT_EVENTS = (
    "subscription($c: ID!) { painPointEvents(caseId: $c) { kind painPoints { text customer } } }"
)
WITHDRAW = 'mutation($id: ID!) { withdrawPainPoint(id: $id, reason: "重复") { id } }'


@pytest.fixture
async def live(sqlite_url: str, tmp_path: Path) -> AsyncIterator[Live]:
    async with live_server(sqlite_url, tmp_path) as running:
        yield running


async def test_the_case_s_events_reach_a_masked_reader_masked(live: Live) -> None:
    world = await build(live.db, live.gql)
    await mask(live.db, world, "director")
    south, owner = world.cases["south"], world.tokens["owner"]
    pain_id = await _pain_point(live.db, world)
    variables = {"c": south}
    async with (
        subscribe(
            live.server.ws_url, COMMENT_EVENTS, token=world.tokens["director"], variables=variables
        ) as comments,
        subscribe(
            live.server.ws_url, PAIN_POINT_EVENTS, token=world.tokens["director"], variables=variables
        ) as pains,
        subscribe(live.server.ws_url, COMMENT_EVENTS, token=owner, variables=variables) as owners,
    ):
        await live.gql.data(ADD, {"i": {"caseId": south, "body": WRITTEN}}, owner)
        assert (await comments.next())["commentEvents"] == {"kind": "ADDED", "comment": {"body": MASKED}}
        assert (await owners.next())["commentEvents"] == {"kind": "ADDED", "comment": {"body": WRITTEN}}
        await live.gql.data(WITHDRAW, {"id": pain_id}, owner)
        assert (await pains.next())["painPointEvents"] == {
            "kind": "WITHDRAWN",
            "painPoints": [{"text": MASKED, "customer": "阿***"}],
        }


CLUSTERS = "{ painPointClusters { nodes { label keywords representatives { text customer } customers } } }"


async def _cluster(db: Database, world: World) -> None:
    """One cluster of the pain points of 华南's and 华东's cases, described by their customers' names."""
    await add_pain_points(db, world)
    async with db.transaction() as session:
        team_id = (await session.get_one(User, world.people["owner"].id)).team_id
        run = ClusterRun(team_id=team_id, job_id=f"run-{new_id()}", model="m", method="hdbscan",
                         point_count=4, cluster_count=1, unclustered_count=0)  # fmt: skip
        session.add(run)
        await session.flush()
        keywords = [("阿里零售", 0.9), ("结账", 0.8), ("华为终端", 0.7), ("checkout", 0.6)]
        session.add(Cluster(run_id=run.id, cluster_id="c1", label="阿里零售 / 结账 / 华为终端", size=4, centroid=b"",
                            keywords=[{"term": t, "score": v} for t, v in keywords]))  # fmt: skip
        for key in ("south/new", "south/old", "east/new", "east/old"):
            session.add(ClusterMembership(run_id=run.id, pain_point_id=world.pain_points[key], cluster_id="c1",
                                          similarity=0.9, source=MembershipSource.RUN))  # fmt: skip


async def test_cluster_descriptions_do_not_name_a_masked_customer(api: GraphQL, app_db: Database) -> None:
    world = await build(app_db, api)
    await _cluster(app_db, world)
    await mask(app_db, world, "director")
    # The director sees the whole cluster (both regions' cases, masked): the run's keywords, names masked.
    (seen,) = (await api.data(CLUSTERS, token=world.tokens["director"]))["painPointClusters"]["nodes"]
    assert seen["keywords"] == ["阿***", "结账", "华***", "checkout"]
    assert seen["label"] == "阿*** / 结账 / 华***"
    assert seen["customers"] == ["华***", "阿***"]
    assert {r["text"].split("：")[0] for r in seen["representatives"]} == {"阿***", "华***"}
    # The agent sees 华南's newer pain point (masked) and those of 华东's case, which they belong to (as
    # written): keywords made from these, 阿里零售 masked.
    (part,) = (await api.data(CLUSTERS, token=world.tokens["agent"]))["painPointClusters"]["nodes"]
    assert sorted(r["text"] for r in part["representatives"]) == [
        "华为终端：结账支付失败 (east/new) checkout fails",
        "华为终端：结账支付失败 (east/old) checkout fails",
        "阿***：结账支付失败 (south/new) checkout fails",
    ]
    assert part["customers"] == ["华为终端", "阿***"]
    for shown in (part["label"], *part["keywords"]):
        assert "阿里" not in shown, part
        assert "零售" not in shown, part
    # R&D sees the team as written.
    (clear,) = (await api.data(CLUSTERS, token=world.tokens["rd"]))["painPointClusters"]["nodes"]
    assert (clear["label"], clear["keywords"][0]) == ("阿里零售 / 结账 / 华为终端", "阿里零售")
    # R&D renames the cluster, naming a customer: the masked reader reads the name masked in it too.
    async with app_db.transaction() as session:
        await session.execute(
            update(Cluster).where(Cluster.cluster_id == "c1").values(label="阿里零售 结账失败")
        )
    (renamed,) = (await api.data(CLUSTERS, token=world.tokens["director"]))["painPointClusters"]["nodes"]
    assert renamed["label"] == "阿*** 结账失败"
    (clear,) = (await api.data(CLUSTERS, token=world.tokens["rd"]))["painPointClusters"]["nodes"]
    assert clear["label"] == "阿里零售 结账失败"
