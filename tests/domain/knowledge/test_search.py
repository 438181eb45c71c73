"""Finding assets by words (the SQLite trigram index and the substring scan agree, in Chinese and English,
with short words and tags) and by meaning (a new or changed asset is ranked at once, without reading every
vector again), only within the caller's audience."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from sqlalchemy import delete, select

from server.clustering import shared_embedder
from server.domain.cases import actions as cases
from server.domain.knowledge import publishing, search
from server.domain.knowledge.vector_cache import shared_vectors
from server.domain.painpoints import vectors
from server.infra.db import Database, create_engine
from server.models import AssetAudience, KnowledgeAsset, User
from server.models.base import utcnow
from tests.support.people import make_user


async def _asset(
    db: Database,
    author: User,
    title: str,
    text: str,
    *,
    tags: tuple[str, ...] = (),
    audience: AssetAudience = AssetAudience.TEAM,
    encode: bool = False,
    at: datetime | None = None,
) -> str:
    """An asset as `publishing.publish` writes it (the search text lower-cased, the vector of its text)."""
    embedder = shared_embedder(None)
    encoded = (await vectors.encode(embedder, [f"{title}\n{text}"])).vectors[0] if encode else None
    async with db.transaction() as session:
        case = await cases.create_case(session, author, title=title, customer="某客户")
        asset = KnowledgeAsset(
            team_id=author.team_id,
            case_id=case.id,
            audience=audience,
            title=title,
            summary="",
            tags=list(tags),
            tag_keys=publishing.tag_keys(tags),
            version=1,
            search_text="\n".join([title, "", " ".join(tags), text]).lower(),
            embedding_model=embedder.model_name if encode else None,
            embedding=vectors.to_bytes(encoded) if encoded is not None else None,
            created_by=author.id,
            updated_at=at or utcnow(),
        )
        session.add(asset)
        await session.flush()
        return asset.id


async def _new_version(db: Database, asset_id: str, title: str, text: str) -> None:
    embedder = shared_embedder(None)
    encoded = (await vectors.encode(embedder, [f"{title}\n{text}"])).vectors[0]
    async with db.transaction() as session:
        asset = await session.get(KnowledgeAsset, asset_id)
        assert asset is not None
        asset.version += 1
        asset.title = title
        asset.search_text = f"{title}\n\n\n{text}".lower()
        asset.embedding_model, asset.embedding = embedder.model_name, vectors.to_bytes(encoded)
        asset.updated_at = utcnow()


async def _titles(db: Database, user: User, query: str, tags: tuple[str, ...] = ()) -> list[str]:
    async with db.sessions() as session:
        page = await search.search(session, user, query=query, tags=tags, first=50, after=None)
    return [asset.title for asset in page.items]


async def _library(db: Database) -> tuple[User, User]:
    author = await make_user(db, "author@example.com", team="Team A")
    foreign = await make_user(db, "foreign@example.com", team="Team B")
    await _asset(
        db, author, "手术室紧急故障处置SOP", "手术室设备突然断电时，先切换备用电源。", tags=("SOP", "医院")
    )
    await _asset(db, author, "冷链运输温控方案", "疫苗冷链运输全程保持2到8摄氏度。", tags=("冷链",))
    await _asset(
        db,
        author,
        "Warehouse Returns playbook",
        "Inspect damaged goods and refund within five days.",
        tags=("Logistics",),
        audience=AssetAudience.ORGANIZATION,
    )
    await _asset(db, foreign, "手术室故障处置 (B)", "Team B only: switch to the backup power.", tags=("SOP",))
    return author, foreign


async def test_words_find_chinese_substrings_english_words_short_words_and_tags(db: Database) -> None:
    author, foreign = await _library(db)
    assert await _titles(db, author, "故障处置") == ["手术室紧急故障处置SOP"]
    assert await _titles(db, author, "紧急故障处置sop") == ["手术室紧急故障处置SOP"]
    assert await _titles(db, author, "RETURNS damaged") == ["Warehouse Returns playbook"]
    assert await _titles(db, author, "goods 退货") == []
    assert await _titles(db, author, "nothing-like-this") == []
    # Two characters or one: below the trigram index, read from the texts.
    assert await _titles(db, author, "温控") == ["冷链运输温控方案"]
    assert await _titles(db, author, "链") == ["冷链运输温控方案"]
    assert await _titles(db, author, "So") == ["手术室紧急故障处置SOP"]
    assert await _titles(db, author, "手术室 so") == ["手术室紧急故障处置SOP"]
    assert await _titles(db, author, "", ("sop",)) == ["手术室紧急故障处置SOP"]
    assert await _titles(db, author, "手术室", ("医院",)) == ["手术室紧急故障处置SOP"]
    assert await _titles(db, author, "five days", ("logistics",)) == ["Warehouse Returns playbook"]
    # Another team sees its own asset and the organization's, never Team A's TEAM assets.
    assert await _titles(db, foreign, "故障处置") == ["手术室故障处置 (B)"]
    assert await _titles(db, foreign, "sop") == ["手术室故障处置 (B)"]
    assert await _titles(db, foreign, "returns") == ["Warehouse Returns playbook"]
    assert await _titles(db, author, 'quote" OR "x') == []  # index syntax in a query is a plain word


async def test_a_new_version_is_found_by_its_new_words_only_and_a_deleted_asset_by_none(db: Database) -> None:
    author, _ = await _library(db)
    cold_chain = (await _titles(db, author, "温控方案"), "冷链运输温控方案")
    assert cold_chain[0] == [cold_chain[1]]
    async with db.sessions() as session:
        asset_id = (
            await session.execute(select(KnowledgeAsset.id).where(KnowledgeAsset.title == cold_chain[1]))
        ).scalar_one()
    await _new_version(
        db, asset_id, "Cold chain plan", "Keep vaccines between 2 and 8 degrees; 全程温度记录。"
    )
    assert await _titles(db, author, "温控方案") == []
    assert await _titles(db, author, "vaccines") == ["Cold chain plan"]
    assert await _titles(db, author, "温度记录") == ["Cold chain plan"]
    async with db.transaction() as session:
        await session.execute(delete(KnowledgeAsset).where(KnowledgeAsset.id == asset_id))
    assert await _titles(db, author, "vaccines") == []


async def test_words_in_many_assets_are_found_by_reading_texts_with_the_same_answer(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    author, foreign = await _library(db)
    await _asset(db, author, "手术室巡检", "每日巡检手术室设备。")
    expected = ["手术室巡检", "手术室紧急故障处置SOP"]
    assert await _titles(db, author, "手术室") == expected
    # Now three matches are "many": the texts are read instead.
    monkeypatch.setattr(search, "_FEW", 2)
    monkeypatch.setattr(search, "_FEW_POSTGRES", 2)
    assert await _titles(db, author, "手术室") == expected
    assert await _titles(db, foreign, "手术室") == ["手术室故障处置 (B)"]
    assert await _titles(db, author, "巡检 室") == ["手术室巡检"]


async def test_like_wildcards_in_a_word_are_plain_characters_and_the_index_answers_few_matches(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    author, foreign = await _library(db)
    await _asset(db, author, "促销规则 50%_off", "满减：50%_off 仅限会员；路径 C:\\promo")
    await _asset(db, author, "促销规则 50xxoff", "Members get 50 percent off, 500 off in total.")
    assert await _titles(db, author, "50%_off") == ["促销规则 50%_off"]
    assert await _titles(db, author, "%_o") == ["促销规则 50%_off"]
    assert await _titles(db, author, "c:\\promo") == ["促销规则 50%_off"]
    assert await _titles(db, author, "促销规则 off") == ["促销规则 50xxoff", "促销规则 50%_off"]
    assert await _titles(db, foreign, "促销规则") == []
    async with db.sessions() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
        # PostgreSQL: the trigram index (migration 0025) answers a word in few of the audience's assets, and
        # leaves a word in many (here: more than one) to the newest-first reading of the texts.
        monkeypatch.setattr(search, "_FEW_POSTGRES", 2)
        rare = await search._trigrams(session, author, ["50%_off"])
        common = await search._trigrams(session, author, ["促销规则"])
        foreign_view = await search._trigrams(session, foreign, ["促销规则"])
    assert (rare is not None, common is None, foreign_view is not None) == (postgres, True, postgres)
    assert await _titles(db, author, "促销规则 off") == ["促销规则 50xxoff", "促销规则 50%_off"]
    assert await _titles(db, foreign, "促销规则") == []


async def test_a_search_of_short_words_reads_the_newest_assets_only_on_sqlite(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:

    db = Database(create_engine(sqlite_url))
    try:
        author, foreign = await _library(db)
        assert await _titles(db, author, "温控") == ["冷链运输温控方案"]
        # The window now holds the newest asset of the deployment only: Team B's.
        monkeypatch.setattr(search, "SHORT_WINDOW", 1)
        assert await _titles(db, author, "温控") == []
        assert await _titles(db, author, "温控方") == ["冷链运输温控方案"]  # three characters: the index
        assert await _titles(db, foreign, "so") == ["手术室故障处置 (B)"]
        assert await _titles(db, author, "so") == []
    finally:
        await db.dispose()


async def test_a_new_or_changed_asset_is_found_by_meaning_at_once_without_reading_every_vector(
    db: Database,
) -> None:
    author = await make_user(db, "author@example.com", team="Team A")
    foreign = await make_user(db, "foreign@example.com", team="Team B")
    embedder = shared_embedder(None)
    await _asset(db, author, "手术室紧急故障处置SOP", "手术室设备突然断电时，先切换备用电源。", encode=True)
    await _asset(db, author, "Invoice dispute resolution", "Match the invoice with the order.", encode=True)

    async def best(user: User, text: str) -> str | None:
        async with db.sessions() as session:
            found = await search.similar(session, user, embedder, [text], first=3)
        return found[0].asset.title if found else None

    assert await best(author, "手术室的设备突然停电了怎么办") == "手术室紧急故障处置SOP"
    reads = shared_vectors().full_reads
    returns = await _asset(
        db,
        author,
        "Warehouse returns playbook",
        "When a customer sends back damaged goods, refund within five days.",
        encode=True,
    )
    assert await best(author, "a customer shipped back a broken item") == "Warehouse returns playbook"
    await _asset(
        db, author, "冷链运输温控方案", "疫苗冷链运输全程保持2到8摄氏度，温度超标立即隔离货物。", encode=True
    )
    assert await best(author, "疫苗运输途中温度超标") == "冷链运输温控方案"
    await _new_version(db, returns, "数据中心机房巡检", "每日巡检机房温湿度、UPS状态和消防设施。")
    assert await best(author, "机房的UPS每天要检查什么") == "数据中心机房巡检"
    assert await best(author, "a customer shipped back a broken item") != "Warehouse returns playbook"
    assert shared_vectors().full_reads == reads  # each change added or replaced one row
    assert await best(foreign, "手术室的设备突然停电了怎么办") is None  # TEAM assets of Team A
    async with db.transaction() as session:
        await session.execute(delete(KnowledgeAsset).where(KnowledgeAsset.title == "数据中心机房巡检"))
    assert await best(author, "机房的UPS每天要检查什么") != "数据中心机房巡检"
    assert shared_vectors().full_reads == reads + 1  # one fewer asset: read again


async def test_an_asset_written_at_the_same_instant_as_the_newest_is_not_missed(db: Database) -> None:
    author = await make_user(db, "author@example.com", team="Team A")
    embedder = shared_embedder(None)
    first = await _asset(
        db, author, "Invoice dispute resolution", "Match the invoice with the order.", encode=True
    )
    async with db.sessions() as session:
        asset = await session.get(KnowledgeAsset, first)
        assert asset is not None
        instant = asset.updated_at
        found = await search.similar(session, author, embedder, ["an invoice is disputed"], first=3)
    assert [item.asset.title for item in found] == ["Invoice dispute resolution"]
    await _asset(
        db,
        author,
        "冷链运输温控方案",
        "疫苗冷链运输全程保持2到8摄氏度，温度超标立即隔离货物。",
        encode=True,
        at=instant,
    )
    async with db.sessions() as session:
        found = await search.similar(session, author, embedder, ["疫苗运输途中温度超标"], first=3)
    assert found[0].asset.title == "冷链运输温控方案"


async def test_recent_query_vectors_are_kept_and_equal_a_fresh_encoding() -> None:
    embedder = shared_embedder(None)
    texts = ("手术室的设备突然停电了怎么办",)
    first = await search.query_vector(embedder, texts)
    assert await search.query_vector(embedder, texts) is first
    english = await search.query_vector(embedder, ("a customer shipped back a broken item",))
    assert english is not first
    fresh = (await vectors.encode(embedder, list(texts))).vectors[0]
    np.testing.assert_allclose(first, fresh / np.linalg.norm(fresh), rtol=1e-5, atol=1e-6)
    small = search.QueryVectors(size=1)
    small.put("m", ("a",), first)
    small.put("m", ("b",), english)
    assert small.get("m", ("a",)) is None
    assert small.get("m", ("b",)) is english
