"""The visibility matrix of issue 18: each role (agent, director, auditor, member, rd, and the owner and the
admin beside) by each view (case list, one case, live document ticket, a case subscription, comments by id
and listed, pain points, clusters with counts, heatmaps JSON and SVG, ranking), checked against what a small
oracle computes from the fixture's rows and the rules of docs/access.md, never from the code under test.

One real server per module and backend (SQLite, PostgreSQL); the world is built once and only read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import select, update

from server.domain.access.masking import mask_name
from server.domain.points import awards
from server.infra.ids import new_id
from server.models import (
    Case,
    CaseMember,
    Cluster,
    ClusterMembership,
    ClusterRun,
    Comment,
    MembershipSource,
    PainPoint,
    PointEntry,
    User,
    VisibilityPolicy,
)
from server.models.base import utcnow
from tests.support.access import World, add_comments, add_pain_points, build
from tests.support.access_oracle import Facts, Oracle, Row, Rule, aware
from tests.support.databases import PostgresDatabases, SqliteDatabases
from tests.support.gqlws import GqlWs, listening
from tests.support.live import Live, live_server

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROLES = ("agent", "director", "auditor", "member", "rd", "owner", "admin")
SVG = "{http://www.w3.org/2000/svg}"


# --- The world, built once per module and backend --------------------------------------------------------


@dataclass
class Matrix:
    live: Live
    world: World
    facts: Facts
    comments: dict[str, str]  # fixture key -> comment id
    cluster_id: str
    team_id: str
    foreign_team_id: str
    earned: dict[str, awards.AwardRequest]

    def oracle(self, name: str) -> Oracle:
        return Oracle(self.facts, self.world.people[name].id)

    def token(self, name: str) -> str:
        return self.world.tokens[name]


async def _cluster(live: Live, world: World, team_id: str) -> str:
    """One run of team A: the pain points of 华南 and 华东 in one cluster, the others unclustered."""
    cluster_id = new_id()
    async with live.db.transaction() as session:
        run = ClusterRun(team_id=team_id, job_id=f"run-{new_id()}", model="m", method="hdbscan",
                         point_count=8, cluster_count=1, unclustered_count=4)  # fmt: skip
        session.add(run)
        await session.flush()
        session.add(Cluster(run_id=run.id, cluster_id=cluster_id, label="结账支付失败 checkout fails", size=4,
                            centroid=b""))  # fmt: skip
        for key, pain_point_id in world.pain_points.items():
            if key.startswith("foreign/"):
                continue
            inside = key.split("/")[0] in ("south", "east")
            session.add(ClusterMembership(run_id=run.id, pain_point_id=pain_point_id,
                                          cluster_id=cluster_id if inside else None, similarity=0.9,
                                          source=MembershipSource.RUN))  # fmt: skip
    return cluster_id


async def _earnings(live: Live, world: World, comments: dict[str, str]) -> dict[str, awards.AwardRequest]:
    people = world.people
    async with live.db.transaction() as session:
        b_admin = await session.scalar(select(User.id).where(User.email == "admin@b.com"))
        assert b_admin is not None
    earned = {
        "south/new": awards.pain_point_accepted(world.pain_points["south/new"], people["member"].id),
        "south/old": awards.pain_point_accepted(world.pain_points["south/old"], people["member"].id),
        "east/new": awards.pain_point_accepted(world.pain_points["east/new"], people["agent"].id),
        "emea/new": awards.pain_point_adopted(
            world.pain_points["emea/new"], people["owner"].id, people["rd"].id
        ),
        "none/new": awards.comment_resolved(comments["none/new"], people["director"].id, people["owner"].id),
        "foreign/new": awards.pain_point_accepted(world.pain_points["foreign/new"], b_admin),
    }
    async with live.db.transaction() as session:
        for request in earned.values():
            await awards.award(session, request)
    async with live.db.transaction() as session:
        await session.execute(
            update(PointEntry)
            .where(PointEntry.subject == earned["south/old"].subject)
            .values(created_at=utcnow() - timedelta(days=40))
        )
    return earned


async def _facts(
    live: Live, world: World, earned: dict[str, awards.AwardRequest], comments: dict[str, str]
) -> Facts:
    async with live.db.sessions() as session:
        users = {
            u.id: (u.team_id or "", u.role.value, tuple(u.regions or ()))
            for u in await session.scalars(select(User))
        }
        cases = {c.id: (c.team_id, c.region, c.customer) for c in await session.scalars(select(Case))}
        members = {(m.case_id, m.user_id) for m in await session.scalars(select(CaseMember))}
        rules = [
            Rule(p.team_id, frozenset(p.roles), frozenset(p.user_ids), p.scope.value.upper(),
                 p.case_access.value.upper() == "VIEWER", frozenset(str(v).upper() for v in p.views),
                 p.max_age_days, p.mask_customer_fields, aware(p.valid_from), aware(p.valid_until))
            for p in await session.scalars(select(VisibilityPolicy))
        ]  # fmt: skip
        comment_rows = {
            c.id: Row(c.id, c.case_id, aware(c.created_at) or utcnow())
            for c in await session.scalars(select(Comment))
        }
        pain_rows = {
            p.id: Row(p.id, p.case_id, aware(p.created_at) or utcnow())
            for p in await session.scalars(select(PainPoint))
        }
        entries = {e.subject: e for e in await session.scalars(select(PointEntry))}
    facts = Facts(utcnow(), users, cases, members, rules, comment_rows, pain_rows)
    for key, request in earned.items():
        entry = entries[request.subject]
        on = comment_rows[comments[key]] if key == "none/new" else pain_rows[world.pain_points[key]]
        facts.earnings[request.subject] = Row(entry.subject, on.case_id, aware(entry.created_at) or utcnow())
    return facts


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgres"])
async def matrix(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Matrix]:
    if request.param == "sqlite":
        databases: SqliteDatabases = request.getfixturevalue("sqlite_databases")
        url = databases.create()
    else:
        pg: PostgresDatabases = request.getfixturevalue("postgres_databases")
        url = await pg.create()
    async with live_server(url, tmp_path_factory.mktemp(f"matrix-{request.param}")) as live:
        world = await build(live.db, live.gql)
        await add_pain_points(live.db, world)
        comments = await add_comments(live.db, world)
        async with live.db.sessions() as session:
            team_id = await session.scalar(select(User.team_id).where(User.id == world.people["owner"].id))
            foreign_team = await session.scalar(select(Case.team_id).where(Case.id == world.foreign_case))
        assert team_id is not None
        assert foreign_team is not None
        cluster_id = await _cluster(live, world, team_id)
        earned = await _earnings(live, world, comments)
        facts = await _facts(live, world, earned, comments)
        yield Matrix(live, world, facts, comments, cluster_id, team_id, foreign_team, earned)
    if request.param == "postgres":
        await pg.drop(url)


async def _refused_like_missing(matrix: Matrix, query: str, name: str, real_id: str) -> None:
    """`real_id` answers NOT_FOUND with the message a made-up id gets."""
    api = matrix.live.gql
    refused = await api.error(query, {"id": real_id}, matrix.token(name))
    made_up = new_id()
    missing = await api.error(query, {"id": made_up}, matrix.token(name))
    assert refused.codes == missing.codes == ["NOT_FOUND"], (name, real_id)
    assert refused.errors[0]["message"].replace(real_id, "X") == missing.errors[0]["message"].replace(
        made_up, "X"
    )


# --- The views -------------------------------------------------------------------------------------------

CASE_LIST = "{ cases(first: 50) { nodes { id customer myRole } } }"
ONE_CASE = "query($id: ID!) { case(id: $id) { id customer myRole } }"
TICKET = "mutation($id: ID!) { syncTicket(caseId: $id) { ticket } }"
COMMENT_EVENTS = "subscription($c: ID!) { commentEvents(caseId: $c) { kind } }"
ONE_COMMENT = "query($id: ID!) { comment(id: $id) { id body } }"
COMMENT_LIST = "query($after: String) { policyComments(first: 5, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }"
ONE_PAIN_POINT = "query($id: ID!) { painPoint(id: $id) { id customer } }"
CLUSTERS = """{ painPointClusters { nodes { id size caseCount customers representatives { id customer } }
  unclusteredCount unclustered(first: 50) { id customer } } }"""
HEATMAP = """query($team: ID!, $from: DateTime!, $to: DateTime!) {
  contributionHeatmap(teamId: $team, from: $from, to: $to) {
    columns { index label } rows { user { id } cells { column counts { kind count } } } } }"""
RANKING = "query($p: String!) { contributionRanking(period: $p) { rows { user { id } points } } }"


def _shown(customer: str, how: str) -> str:
    return customer if how == "clear" else mask_name(customer)


@pytest.mark.parametrize("name", ROLES)
async def test_case_list_and_one_case(matrix: Matrix, name: str) -> None:
    oracle = matrix.oracle(name)
    expected = oracle.cases()
    listed = (await matrix.live.gql.data(CASE_LIST, token=matrix.token(name)))["cases"]["nodes"]
    assert {node["id"] for node in listed} == expected
    for node in listed:
        customer = matrix.facts.cases[node["id"]][2]
        assert node["customer"] == (mask_name(customer) if oracle.case_masked(node["id"]) else customer)
        if not oracle.member_of(node["id"]):
            assert node["myRole"] == "VIEWER"
    for case_id in matrix.facts.cases:
        if case_id in expected:
            one = (await matrix.live.gql.data(ONE_CASE, {"id": case_id}, matrix.token(name)))["case"]
            assert one["id"] == case_id
            if not oracle.member_of(case_id):
                assert one["myRole"] == "VIEWER"
        else:
            await _refused_like_missing(matrix, ONE_CASE, name, case_id)


@pytest.mark.parametrize("name", ROLES)
async def test_live_document_ticket(matrix: Matrix, name: str) -> None:
    expected = matrix.oracle(name).cases()
    for case_id in matrix.facts.cases:
        if case_id in expected:
            answer = await matrix.live.gql.data(TICKET, {"id": case_id}, matrix.token(name))
            assert answer["syncTicket"]["ticket"], case_id
        else:
            await _refused_like_missing(matrix, TICKET, name, case_id)


async def test_a_case_subscription(matrix: Matrix) -> None:
    """commentEvents(caseId): started (the server listens) exactly on the cases one may open; refused with
    NOT_FOUND elsewhere. One socket per person, subscriptions one at a time, all closed at the end."""
    server = matrix.live.server
    clients: list[GqlWs] = []
    try:
        for name in ROLES:
            expected = matrix.oracle(name).cases()
            client = await GqlWs.signed_in(f"{server.ws_url}/graphql", matrix.token(name))
            clients.append(client)
            for number, case_id in enumerate(sorted(matrix.facts.cases)):
                before = await listening(server.http_url)
                await client.subscribed(str(number), COMMENT_EVENTS, {"c": case_id})
                started = await listening(server.http_url) == before + 1
                assert started is (case_id in expected), (name, case_id)
                if not started:
                    message = await client.receive()
                    codes = [e["extensions"]["code"] for e in message["payload"]]
                    assert (message["type"], codes) == ("error", ["NOT_FOUND"]), (name, case_id)
    finally:
        for client in clients:
            await client.close()


@pytest.mark.parametrize("name", ROLES)
async def test_comments_by_id_and_listed(matrix: Matrix, name: str) -> None:
    oracle = matrix.oracle(name)
    api = matrix.live.gql
    for comment_id, row in matrix.facts.comments.items():
        if oracle.comment(row):
            assert (await api.data(ONE_COMMENT, {"id": comment_id}, matrix.token(name)))["comment"][
                "id"
            ] == comment_id
        else:
            await _refused_like_missing(matrix, ONE_COMMENT, name, comment_id)
    listed: list[str] = []
    after = None
    while True:
        page = (await api.data(COMMENT_LIST, {"after": after}, matrix.token(name)))["policyComments"]
        listed += [node["id"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    wanted = [c for c, row in matrix.facts.comments.items() if oracle.listed_comment(row)]
    assert listed == sorted(wanted, reverse=True)


@pytest.mark.parametrize("name", ROLES)
async def test_pain_points(matrix: Matrix, name: str) -> None:
    oracle = matrix.oracle(name)
    for pain_point_id, row in matrix.facts.pain_points.items():
        how = oracle.pain_point(row)
        if how is None:
            await _refused_like_missing(matrix, ONE_PAIN_POINT, name, pain_point_id)
            continue
        found = (await matrix.live.gql.data(ONE_PAIN_POINT, {"id": pain_point_id}, matrix.token(name)))[
            "painPoint"
        ]
        assert found["customer"] == _shown(matrix.facts.cases[row.case_id][2], how), pain_point_id


@pytest.mark.parametrize("name", ROLES)
async def test_clusters_with_counts(matrix: Matrix, name: str) -> None:
    oracle = matrix.oracle(name)
    facts = matrix.facts
    reached = {p: oracle.clustered(row) for p, row in facts.pain_points.items()}
    visible = {p: how for p, how in reached.items() if how is not None}
    inside = {p for p in visible if facts.cases[facts.pain_points[p].case_id][1] in ("华南", "华东")}
    inside = {p for p in inside if facts.cases[facts.pain_points[p].case_id][0] == matrix.team_id}
    page = (await matrix.live.gql.data(CLUSTERS, token=matrix.token(name)))["painPointClusters"]
    if inside:
        (node,) = page["nodes"]
        assert node["id"] == matrix.cluster_id
        assert node["size"] == len(inside)
        assert node["caseCount"] == len({facts.pain_points[p].case_id for p in inside})
        customers = {_shown(facts.cases[facts.pain_points[p].case_id][2], visible[p]) for p in inside}
        assert set(node["customers"]) == customers
        for shown in node["representatives"]:
            assert shown["id"] in inside
            assert shown["customer"] == _shown(
                facts.cases[facts.pain_points[shown["id"]].case_id][2], visible[shown["id"]]
            )
    else:
        assert page["nodes"] == []
    outside = {p for p in visible if p not in inside}
    assert page["unclusteredCount"] == len(outside)
    assert {row["id"] for row in page["unclustered"]} == outside
    for row in page["unclustered"]:
        assert row["customer"] == _shown(
            facts.cases[facts.pain_points[row["id"]].case_id][2], visible[row["id"]]
        )


def _day(at: datetime) -> str:
    return at.astimezone(UTC).date().isoformat()


@pytest.mark.parametrize("name", ROLES)
async def test_heatmaps_json_and_svg(matrix: Matrix, name: str) -> None:
    oracle = matrix.oracle(name)
    owner = matrix.world.people["owner"]
    expected: dict[str, int] = defaultdict(int)
    for row in matrix.facts.comments.values():
        if oracle.heatmap_comment(row):
            expected[_day(row.created_at)] += 1
    now = matrix.facts.now
    start, end = now - timedelta(days=60), now + timedelta(days=1)
    variables = {"team": matrix.team_id, "from": start.isoformat(), "to": end.isoformat()}
    heatmap = (await matrix.live.gql.data(HEATMAP, variables, matrix.token(name)))["contributionHeatmap"]
    labels = {column["index"]: column["label"] for column in heatmap["columns"]}
    counted: dict[str, int] = defaultdict(int)
    for user_row in heatmap["rows"]:
        assert user_row["user"]["id"] == owner.id  # the owner wrote every comment
        for cell in user_row["cells"]:
            for count in cell["counts"]:
                if count["kind"] == "COMMENTS" and count["count"]:
                    counted[labels[cell["column"]]] += count["count"]
    assert dict(counted) == dict(expected)

    response = await matrix.live.gql.client.get(
        f"/teams/{matrix.team_id}/heatmap.svg",
        params={"from": start.isoformat(), "to": end.isoformat()},
        headers={"authorization": f"Bearer {matrix.token(name)}"},
    )
    assert response.status_code == 200
    tips = [e.text or "" for e in ET.fromstring(response.content).iter() if e.tag == f"{SVG}title"]
    drawn: dict[str, int] = defaultdict(int)
    for tip in tips:
        # in Chinese, the picture's default
        found = re.match(rf"{re.escape(owner.name)} · (\d{{4}}-\d\d-\d\d)：.*?(\d+) 条评论", tip)
        if found:
            drawn[found.group(1)] += int(found.group(2))
    assert dict(drawn) == dict(expected)


@pytest.mark.parametrize("name", ROLES)
async def test_ranking(matrix: Matrix, name: str) -> None:
    oracle = matrix.oracle(name)
    year = str(matrix.facts.now.year)
    if not oracle.ranking():
        refused = await matrix.live.gql.error(RANKING, {"p": year}, matrix.token(name))
        assert refused.codes == ["FORBIDDEN"]
        return
    async with matrix.live.db.sessions() as session:
        deltas = {e.subject: (e.user_id, e.delta) for e in await session.scalars(select(PointEntry))}
    expected: dict[str, int] = defaultdict(int)
    for subject, row in matrix.facts.earnings.items():
        if oracle.earning(row) and str(row.created_at.year) == year:
            user_id, delta = deltas[subject]
            expected[user_id] += delta
    rows = (await matrix.live.gql.data(RANKING, {"p": year}, matrix.token(name)))["contributionRanking"][
        "rows"
    ]
    assert {row["user"]["id"]: row["points"] for row in rows} == dict(expected)


# --- Team B, whatever its policy -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ROLES)
async def test_nothing_of_team_b_is_ever_visible(matrix: Matrix, name: str) -> None:
    """Team B opens every case and every view to all its people: none of it reaches anyone of team A, in
    any view (besides the oracle's own cells, which never count B's rows: another team is out of scope)."""
    api, token, world = matrix.live.gql, matrix.token(name), matrix.world
    await _refused_like_missing(matrix, ONE_CASE, name, world.foreign_case)
    await _refused_like_missing(matrix, TICKET, name, world.foreign_case)
    await _refused_like_missing(matrix, ONE_COMMENT, name, matrix.comments["foreign/new"])
    await _refused_like_missing(matrix, ONE_PAIN_POINT, name, world.pain_points["foreign/new"])
    listed = await api.post(CASE_LIST, token=token)
    assert world.foreign_case not in str(listed)
    clusters = await api.post(CLUSTERS, token=token)
    assert world.pain_points["foreign/new"] not in str(clusters)
    now = matrix.facts.now
    theirs = {
        "team": matrix.foreign_team_id,
        "from": (now - timedelta(days=60)).isoformat(),
        "to": now.isoformat(),
    }
    assert (await api.error(HEATMAP, theirs, token)).codes == ["NOT_FOUND"]
    svg = await api.client.get(
        f"/teams/{matrix.foreign_team_id}/heatmap.svg", headers={"authorization": f"Bearer {token}"}
    )
    assert svg.status_code == 404
    # Another team's ranking answers like a made-up team (NOT_FOUND; FORBIDDEN to one who reads no ranking).
    other = "query($p: String!, $t: ID!) { contributionRanking(period: $p, teamId: $t) { teamId } }"
    foreign = await api.error(other, {"p": str(now.year), "t": matrix.foreign_team_id}, token)
    made_up = await api.error(other, {"p": str(now.year), "t": new_id()}, token)
    assert (
        foreign.codes == made_up.codes == (["NOT_FOUND"] if matrix.oracle(name).ranking() else ["FORBIDDEN"])
    )


async def test_the_oracle_is_not_trivial(matrix: Matrix) -> None:
    """The matrix checks something: the roles see different things, and the fixture's rows are all there."""
    seen = {name: frozenset(matrix.oracle(name).cases()) for name in ROLES}
    assert len(set(seen.values())) >= 5
    assert len(matrix.facts.comments) == 9
    assert len(matrix.facts.pain_points) == 9
    agent = matrix.oracle("agent")
    masked = [p for p, row in matrix.facts.pain_points.items() if agent.clustered(row) == "masked"]
    assert masked == [matrix.world.pain_points["south/new"]]
