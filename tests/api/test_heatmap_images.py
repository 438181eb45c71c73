"""The heatmap pictures: /cases/{id}/heatmap.svg and /teams/{id}/heatmap.svg."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from server.infra.db import Database
from server.infra.ids import new_id
from server.models import User, UserRole
from tests.heatmaps._authors import START, Hub
from tests.support.doc_log import make_case, store
from tests.support.graphql import GraphQL
from tests.support.people import Person, make_person

SVG = "{http://www.w3.org/2000/svg}"
RANGE = {"from": START.date().isoformat(), "to": (START + timedelta(days=2)).isoformat()}


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _texts(body: bytes) -> list[str]:
    root = ET.fromstring(body)  # raises on anything that is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return [element.text or "" for element in root.iter() if element.tag in (f"{SVG}text", f"{SVG}title")]


async def _case(app_db: Database, api: GraphQL) -> tuple[str, Person, str]:
    ann = await make_person(app_db, "ann@a.com")
    lina = await make_person(app_db, "lina@a.com")
    async with app_db.transaction() as session:
        user = await session.get(User, lina.id)
        assert user is not None
        user.name = "李娜 <script>"
    case_id = await make_case(app_db, ann, lina, title="Spare parts & pricing")
    hub = Hub()
    a, b = hub.author(ann.id, 1), hub.author(lina.id, 2)
    a.add_block(0, "heading", "Needs", level=2)  # type: ignore[arg-type]
    a.add_block(1, "paragraph", "faster delivery")
    hub.deliver_all()
    hub.clock += timedelta(days=1)
    b.add_block(2, "heading", "交付计划", level="2")
    b.add_block(3, "paragraph", "两周内发货")
    await store(app_db, case_id, hub.log)
    return case_id, ann, await api.login(ann.email, ann.password)


async def test_the_contribution_picture_is_well_formed_svg_with_names_days_and_legend(
    api: GraphQL, app_db: Database
) -> None:
    case_id, _, token = await _case(app_db, api)

    response = await api.client.get(
        f"/cases/{case_id}/heatmap.svg", params={**RANGE, "lang": "en"}, headers=_bearer(token)
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert response.headers["cache-control"] == "private, max-age=15"
    assert response.headers["vary"] == "Authorization, Accept-Language"
    texts = _texts(response.content)
    assert "Contributions to Spare parts & pricing, 2025-03-03 to 2025-03-05" in texts
    assert {"Ann", "李娜 <script>", "2025-03-03", "2025-03-04", "2025-03-05", "Score"} <= set(texts)
    assert b"<script>" not in response.content


@pytest.mark.parametrize(
    ("lang", "accept_language", "title"),
    [
        (None, None, "Spare parts & pricing 的贡献，2025-03-03 至 2025-03-05"),
        (None, "zh-TW,zh;q=0.9,en;q=0.8", "Spare parts & pricing 的贡献，2025-03-03 至 2025-03-05"),
        (
            None,
            "fr-FR,en-US;q=0.8,zh;q=0.5",
            "Contributions to Spare parts & pricing, 2025-03-03 to 2025-03-05",
        ),
        (None, "fr-FR", "Spare parts & pricing 的贡献，2025-03-03 至 2025-03-05"),
        ("zh-CN", "en-US", "Spare parts & pricing 的贡献，2025-03-03 至 2025-03-05"),
        ("en", None, "Contributions to Spare parts & pricing, 2025-03-03 to 2025-03-05"),
    ],
)
async def test_the_picture_speaks_chinese_unless_english_is_asked_for(
    api: GraphQL, app_db: Database, lang: str | None, accept_language: str | None, title: str
) -> None:
    case_id, _, token = await _case(app_db, api)
    headers = _bearer(token) | ({"accept-language": accept_language} if accept_language else {})
    params = RANGE | ({"lang": lang} if lang else {})

    response = await api.client.get(f"/cases/{case_id}/heatmap.svg", params=params, headers=headers)

    assert response.status_code == 200
    texts = _texts(response.content)
    assert title in texts
    chinese = "的贡献" in title
    assert ("活跃度得分" in texts) is chinese
    assert ("Score" in texts) is not chinese
    tips = [text for text in texts if text.startswith("李娜 <script> · 2025-03-04")]
    assert tips == (
        ["李娜 <script> · 2025-03-04：活跃度得分 0.1（写入 9 字）"]
        if chinese
        else ["李娜 <script> · 2025-03-04: score 0.1 (9 characters written)"]
    )


async def test_the_section_picture_names_the_headings(api: GraphQL, app_db: Database) -> None:
    case_id, _, token = await _case(app_db, api)

    response = await api.client.get(
        f"/cases/{case_id}/heatmap.svg", params={"kind": "sections", "lang": "en"}, headers=_bearer(token)
    )
    chinese = await api.client.get(
        f"/cases/{case_id}/heatmap.svg", params={"kind": "sections"}, headers=_bearer(token)
    )

    assert response.status_code == 200
    texts = _texts(response.content)
    assert {"Needs", "交付计划", "Surviving characters"} <= set(texts)
    assert any("李娜 <script> · 交付计划: 9 surviving characters" in text for text in texts)
    texts = _texts(chinese.content)
    assert {"Needs", "交付计划", "保留字数", "Spare parts & pricing 的文字出自谁"} <= set(texts)
    assert any(text.startswith("李娜 <script> · 交付计划：保留 9 字（占本节") for text in texts)


async def test_an_unchanged_picture_answers_304_to_its_etag(api: GraphQL, app_db: Database) -> None:
    case_id, _, token = await _case(app_db, api)
    url = f"/cases/{case_id}/heatmap.svg"
    first = await api.client.get(url, params=RANGE, headers=_bearer(token))
    etag = first.headers["etag"]

    again = await api.client.get(url, params=RANGE, headers={**_bearer(token), "if-none-match": etag})
    other = await api.client.get(
        url, params={**RANGE, "bucket": "week"}, headers={**_bearer(token), "if-none-match": etag}
    )

    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    assert other.status_code == 200
    assert other.headers["etag"] != etag


async def test_without_a_valid_bearer_token_there_is_no_picture(api: GraphQL, app_db: Database) -> None:
    case_id, _, token = await _case(app_db, api)
    url = f"/cases/{case_id}/heatmap.svg"

    for response in (
        await api.client.get(url),
        await api.client.get(url, headers=_bearer("not-a-token")),
        await api.client.get(url, headers={"authorization": token}),
    ):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    # Tokens do not belong in URLs (they end up in logs and histories): a query parameter is refused.
    in_url = await api.client.get(url, params={"token": token})
    assert in_url.status_code == 400
    assert "Unknown parameter token" in in_url.text


async def test_other_cases_and_teams_are_404_exactly_like_missing_ones(
    api: GraphQL, app_db: Database
) -> None:
    case_id, ann, _ = await _case(app_db, api)
    stranger = await make_person(app_db, "hr@b.com", role=UserRole.HR, team="Team B")
    token = await api.login(stranger.email, stranger.password)
    async with app_db.sessions() as session:
        user = await session.get(User, ann.id)
        assert user is not None
        team_id = user.team_id
    assert team_id is not None
    missing = new_id()
    for kind, existing in (("cases", case_id), ("teams", team_id)):
        foreign = await api.client.get(f"/{kind}/{existing}/heatmap.svg", headers=_bearer(token))
        absent = await api.client.get(f"/{kind}/{missing}/heatmap.svg", headers=_bearer(token))
        assert foreign.status_code == absent.status_code == 404
        assert foreign.text.replace(existing, "X") == absent.text.replace(missing, "X")


async def test_a_team_picture_for_its_hr(api: GraphQL, app_db: Database) -> None:
    _, ann, _ = await _case(app_db, api)
    hr = await make_person(app_db, "hr@a.com", role=UserRole.HR)
    token = await api.login(hr.email, hr.password)
    async with app_db.sessions() as session:
        user = await session.get(User, ann.id)
        assert user is not None
        team_id = user.team_id

    response = await api.client.get(
        f"/teams/{team_id}/heatmap.svg",
        params={**RANGE, "bucket": "WEEK", "lang": "en"},
        headers=_bearer(token),
    )
    sections = await api.client.get(f"/teams/{team_id}/heatmap.svg?kind=sections", headers=_bearer(token))

    assert response.status_code == 200
    assert {"Ann", "李娜 <script>", "2025-W10", "Contributions to Team A, 2025-W10"} <= set(
        _texts(response.content)
    )
    assert sections.status_code == 400
    assert "contribution heatmaps only" in sections.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=pie", "`kind` must be contribution or sections"),
        ("bucket=month", "`bucket` must be day or week"),
        ("from=yesterday", "`from` must be an ISO 8601 date or time"),
        ("from=2025-03-05&to=2025-03-01", "later than"),
        ("from=2020-01-01&to=2025-03-01", "more than 400 days"),
        ("bucket=day&bucket=week", "`bucket` is given 2 times"),
        ("kind=sections&bucket=week", "apply to kind=contribution only"),
        ("lang=fr", "`lang` must be zh-CN or en"),
    ],
)
async def test_bad_parameters_are_400_with_a_reason(
    api: GraphQL, app_db: Database, query: str, message: str
) -> None:
    case_id, _, token = await _case(app_db, api)

    response = await api.client.get(f"/cases/{case_id}/heatmap.svg?{query}", headers=_bearer(token))

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert message in response.text
