"""contributionHeatmap and sectionHeatmap over GraphQL, through the named operations of heatmaps.graphql."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from server.infra.db import Database
from server.infra.ids import new_id
from server.models import User, UserRole
from tests.heatmaps._authors import START, Hub
from tests.support.doc_log import make_case, store
from tests.support.graphql import GraphQL, GraphQLErrorResponse
from tests.support.people import Person, make_person

OPERATIONS = (Path(__file__).resolve().parents[2] / "graphql" / "operations" / "heatmaps.graphql").read_text()
FROM = START.isoformat()
TO = (START + timedelta(days=3)).isoformat()


async def _run(api: GraphQL, operation: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    response = await api.client.post(
        "/graphql",
        json={"query": OPERATIONS, "operationName": operation, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise GraphQLErrorResponse(body["errors"])
    data: dict[str, Any] = body["data"]
    return data


async def _error(api: GraphQL, operation: str, variables: dict[str, Any], token: str) -> GraphQLErrorResponse:
    with pytest.raises(GraphQLErrorResponse) as caught:
        await _run(api, operation, variables, token)
    return caught.value


def _session(ann: str, ben: str) -> Hub:
    """Ann writes under a level-2 heading (a number, as Tiptap writes it), Ben under an old "3" one."""
    hub = Hub()
    a, b = hub.author(ann, 7), hub.author(ben, 8)
    a.add_block(0, "heading", "Customer needs", level=2)  # type: ignore[arg-type]
    a.add_block(1, "paragraph", "Faster spare parts")
    hub.deliver_all()
    hub.clock += timedelta(days=1)
    b.add_block(2, "heading", "Offer", level="3")
    b.add_block(3, "paragraph", "Stock in Lyon")
    b.erase(1, 0, 7)
    return hub


async def _people(app_db: Database, api: GraphQL) -> tuple[Person, str, Person, str]:
    ann, ben = await make_person(app_db, "ann@a.com"), await make_person(app_db, "ben@a.com")
    return ann, await api.login(ann.email, ann.password), ben, await api.login(ben.email, ben.password)


async def test_a_case_heatmap_through_the_named_operations(api: GraphQL, app_db: Database) -> None:
    ann, ann_token, ben, ben_token = await _people(app_db, api)
    case_id = await make_case(app_db, ann, ben, title="Lyon plant")
    await store(app_db, case_id, _session(ann.id, ben.id).log)

    data = await _run(api, "ContributionHeatmap", {"caseId": case_id, "from": FROM, "to": TO}, ben_token)
    heatmap = data["contributionHeatmap"]
    assert heatmap["subject"] == {"caseId": case_id, "teamId": None, "title": "Lyon plant"}
    assert (heatmap["bucket"], heatmap["from"], heatmap["to"]) == (
        "DAY",
        "2025-03-03T00:00:00+00:00",
        "2025-03-07T00:00:00+00:00",
    )
    assert [c["label"] for c in heatmap["columns"]] == [
        "2025-03-03",
        "2025-03-04",
        "2025-03-05",
        "2025-03-06",
    ]
    rows = {row["user"]["name"]: row for row in heatmap["rows"]}
    assert rows["Ann"]["cells"] == [
        {"column": 0, "score": pytest.approx(0.32), "counts": [{"kind": "DOC_CHARS_INSERTED", "count": 32}]}
    ]
    assert rows["Ben"]["cells"] == [
        {
            "column": 1,
            "score": pytest.approx(0.18 + 0.035),
            "counts": [
                {"kind": "DOC_CHARS_INSERTED", "count": 18},
                {"kind": "DOC_CHARS_DELETED", "count": 7},
            ],
        }
    ]
    assert [row["user"]["name"] for row in heatmap["rows"]] == ["Ann", "Ben"]
    assert heatmap["maxScore"] == pytest.approx(0.32)
    assert {w["kind"]: w["weight"] for w in heatmap["weights"]}["COMMENTS"] == 1.0
    assert (heatmap["stale"], heatmap["computedAt"] is not None) == (False, True)

    sections = (await _run(api, "SectionHeatmap", {"caseId": case_id}, ann_token))["sectionHeatmap"]
    assert [(s["title"], s["level"], s["totalChars"]) for s in sections["sections"]] == [
        ("Customer needs", 2, len("Customer needs") + len("spare parts")),
        ("Offer", 3, len("Offer") + len("Stock in Lyon")),
    ]
    assert [(r["user"]["name"], r["chars"], r["cells"]) for r in sections["rows"]] == [
        ("Ann", 25, [{"section": 0, "chars": 25, "share": 1.0}]),
        ("Ben", 18, [{"section": 1, "chars": 18, "share": 1.0}]),
    ]


async def test_weekly_buckets_and_the_team_heatmap_by_role(api: GraphQL, app_db: Database) -> None:
    ann, ann_token, ben, ben_token = await _people(app_db, api)
    hr = await make_person(app_db, "hr@a.com", role=UserRole.HR)
    hr_token = await api.login(hr.email, hr.password)
    shared = await make_case(app_db, ann, ben)
    anns_own = await make_case(app_db, ann)
    await store(app_db, shared, _session(ann.id, ben.id).log)
    solo = Hub()
    solo.author(ann.id, 9).add_block(0, "paragraph", "private notes")
    await store(app_db, anns_own, solo.log)
    async with app_db.sessions() as session:
        user = await session.get(User, ann.id)
        assert user is not None
        team_id = user.team_id
    variables = {"teamId": team_id, "from": FROM, "to": TO, "bucket": "WEEK"}

    def inserted(heatmap: dict[str, Any]) -> dict[str, int]:
        return {
            row["user"]["name"]: sum(
                c["count"]
                for cell in row["cells"]
                for c in cell["counts"]
                if c["kind"] == "DOC_CHARS_INSERTED"
            )
            for row in heatmap["rows"]
        }

    for token, expected in ((hr_token, {"Ann": 32 + 13, "Ben": 18}), (ben_token, {"Ann": 32, "Ben": 18})):
        heatmap = (await _run(api, "ContributionHeatmap", variables, token))["contributionHeatmap"]
        assert [c["label"] for c in heatmap["columns"]] == ["2025-W10"]
        assert heatmap["subject"]["teamId"] == team_id
        assert inserted(heatmap) == expected
    assert (await _run(api, "ContributionHeatmap", variables, ann_token))["contributionHeatmap"]["rows"]


async def test_ids_of_other_cases_and_teams_answer_exactly_like_missing_ones(
    api: GraphQL, app_db: Database
) -> None:
    ann, _, _, ben_token = await _people(app_db, api)
    outsider = await make_person(app_db, "hr@b.com", role=UserRole.HR, team="Team B")
    outsider_token = await api.login(outsider.email, outsider.password)
    case_id = await make_case(app_db, ann)
    async with app_db.sessions() as session:
        user = await session.get(User, ann.id)
        assert user is not None
        team_id = user.team_id
    assert team_id is not None
    missing = new_id()
    for variables, token in (
        ({"caseId": case_id}, ben_token),
        ({"teamId": team_id}, outsider_token),
    ):
        key, value = next(iter(variables.items()))
        foreign = await _error(api, "ContributionHeatmap", variables, token)
        absent = await _error(api, "ContributionHeatmap", {key: missing}, token)
        assert foreign.codes == absent.codes == ["NOT_FOUND"]
        assert foreign.errors[0]["message"].replace(value, "X") == absent.errors[0]["message"].replace(
            missing, "X"
        )
    foreign = await _error(api, "SectionHeatmap", {"caseId": case_id}, ben_token)
    absent = await _error(api, "SectionHeatmap", {"caseId": missing}, ben_token)
    assert foreign.codes == absent.codes == ["NOT_FOUND"]
    assert foreign.errors[0]["message"].replace(case_id, "X") == absent.errors[0]["message"].replace(
        missing, "X"
    )


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({}, "either caseId or teamId"),
        ({"caseId": "C", "teamId": "T"}, "either caseId or teamId"),
        ({"caseId": "C", "from": TO, "to": FROM}, "later than"),
        ({"caseId": "C", "from": "2020-01-01T00:00:00Z", "to": TO}, "more than 400 days"),
    ],
)
async def test_bad_arguments_are_bad_input_with_a_reason(
    api: GraphQL, app_db: Database, variables: dict[str, Any], message: str
) -> None:
    ann, ann_token, _, _ = await _people(app_db, api)
    case_id = await make_case(app_db, ann)
    variables = {key: case_id if value == "C" else value for key, value in variables.items()}
    error = await _error(api, "ContributionHeatmap", variables, ann_token)
    assert error.codes == ["BAD_INPUT"]
    assert message in error.errors[0]["message"]


async def test_heatmaps_need_a_signed_in_user(api: GraphQL) -> None:
    error = await api.error("query($c: ID!) { sectionHeatmap(caseId: $c) { stale } }", {"c": new_id()})
    assert error.codes == ["UNAUTHENTICATED"]
