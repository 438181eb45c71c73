"""An adoption notifies each adopted pain point's author in the adoption's transaction, never the adopter."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.domain.painpoints import adoption
from server.infra import topics
from server.infra.db import Database
from server.models import (
    Case,
    CaseRole,
    Notification,
    NotificationKind,
    OutboxKind,
    OutboxMessage,
    PainPoint,
    User,
    UserRole,
)
from tests.support.people import case_with, make_user


async def _pain_point(db: Database, case_id: str, author: User, text: str) -> PainPoint:
    async with db.transaction() as session:
        case = await session.get_one(Case, case_id)
        row = PainPoint(
            case_id=case_id,
            team_id=case.team_id,
            author_id=author.id,
            text=text,
            normalized_text=text,
            customer="华东冷链",
        )
        session.add(row)
    return row


async def _notes(db: Database, user: User) -> list[Notification]:
    async with db.sessions() as session:
        rows = await session.scalars(select(Notification).where(Notification.user_id == user.id))
        return list(rows)


async def _announced(db: Database, user: User) -> list[str]:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == OutboxKind.EVENT,
                OutboxMessage.name == topics.user_notifications(user.id),
            )
        )
        return [str(row.payload["notificationId"]) for row in rows]


async def test_each_adopted_pain_point_notifies_its_author_and_never_the_adopter(db: Database) -> None:
    wang = await make_user(db, "wang@a.com")
    li = await make_user(db, "li@a.com")
    rd = await make_user(db, "rd@a.com", role=UserRole.RD)
    case_id = await case_with(db, wang, (li, CaseRole.EDITOR), (rd, CaseRole.COMMENTER))
    texts = [
        "冷库温度记录每天要手工导出三次",
        "退货入库后库存两天才更新",
        "Export of delivery notes times out",
    ]
    adopted = [
        await _pain_point(db, case_id, wang, texts[0]),
        await _pain_point(db, case_id, wang, texts[1]),
        await _pain_point(db, case_id, li, texts[2]),
        await _pain_point(db, case_id, rd, "R&D 自己记录的痛点：条码打印慢"),
    ]
    async with db.transaction() as session:
        rows = list((await session.scalars(select(PainPoint).where(PainPoint.case_id == case_id))).all())
        rd_row = await session.get_one(User, rd.id)
        await adoption.adopt_all(session, rd_row, rows, "Q3 路线图")

    # One per pain point (each names its own text and case), written with the adoption and announced.
    wangs = await _notes(db, wang)
    assert {n.pain_point_id for n in wangs} == {p.id for p in adopted[:2]}
    assert len(wangs) == 2
    assert {(n.kind, n.actor_id, n.case_id) for n in wangs} == {
        (NotificationKind.PAIN_POINT_ADOPTED, rd.id, case_id)
    }
    assert sorted(await _announced(db, wang)) == sorted(n.id for n in wangs)
    assert [n.pain_point_id for n in await _notes(db, li)] == [adopted[2].id]
    assert await _notes(db, rd) == []


async def _adopt_then_fail(db: Database, rd: User, pain_point_id: str) -> None:
    async with db.transaction() as session:
        row = await session.get_one(PainPoint, pain_point_id)
        await adoption.adopt_all(session, await session.get_one(User, rd.id), [row], None)
        raise RuntimeError("the command failed after the adoption")


async def test_an_adoption_rolled_back_notifies_nobody(db: Database) -> None:
    wang = await make_user(db, "wang@a.com")
    rd = await make_user(db, "rd@a.com", role=UserRole.RD)
    case_id = await case_with(db, wang)
    pain_point = await _pain_point(db, case_id, wang, "发票抬头无法修改")
    with pytest.raises(RuntimeError):
        await _adopt_then_fail(db, rd, pain_point.id)
    assert await _notes(db, wang) == []
    assert await _announced(db, wang) == []
