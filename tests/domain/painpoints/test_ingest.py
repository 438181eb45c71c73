"""Duplicates within a case under the default model: distinct Chinese texts stay distinct (the English-only
model once put 43% of them down as DUPLICATE), rewordings in either language are still caught."""

import pytest
from sqlalchemy import select

from server.clustering.models import MIXED_ENGLISH_NEIGHBOURS, MIXED_JOIN_LANGUAGES, MIXED_WEIGHTS
from server.domain.clusters import runs as cluster_runs
from server.domain.clusters.placement import current_run
from server.domain.painpoints.actions import SubmissionInput
from server.domain.painpoints.config import PainPointConfig
from server.domain.painpoints.submit import submit
from server.infra.config import Settings
from server.infra.db import Database
from server.models import ClusterMembership, ClusterRun, PainPoint, PainPointStatus, User
from tests.support.outbox import Followups
from tests.support.people import case_with, make_user

pytestmark = pytest.mark.model

# Different complaints, many of them short and alike in form: what MiniLM mapped to nearly one vector.
DISTINCT_CHINESE = [
    "退款慢",
    "卡被吞",
    "扣费两次",
    "APP闪退",
    "炸馒头片",
    "幻影忍者",
    "甲亢怎么治疗？",
    "烧伤怎么治疗啊？",
    "我想转发这封邮件",
    "我想答复这个邮件",
    "退款一直没到账",
    "登录时验证码收不到",
    "发票抬头开错了",
    "快递三天了还没发货",
    "客服电话一直打不通",
    "会员积分莫名其妙清零了",
    "优惠券在结算时用不了",
    "扫码支付提示网络异常",
    "焊接机器人轨迹偏移两毫米",
    "机械臂回零点时报警",
    "打印机卡纸",
    "导出Excel超过一万行就停了",
    "报表数据和后台对不上",
    "合同审批流程太长",
    "系统升级后页面加载很慢",
    "手机号换了无法找回账号",
    "门店库存显示有货但实际缺货",
    "配送员把包裹放错了小区",
    "信用卡分期手续费算错了",
    "银行卡绑定失败",
    "密码输错三次账号被锁",
    "消息推送太频繁",
    "夜间模式下字看不清",
    "语音播报的地址不准",
    "售后上门时间一改再改",
    "设备质保期查不到",
]

# (original, the same complaint reworded): must still be linked
REWORDED = [
    ("退款一直没到账", "退款一直都没有到账"),
    ("登录时验证码收不到", "登录的时候收不到验证码"),
    ("Card payment declined twice at checkout", "card payment declined twice at checkout!"),
    ("The refund has not arrived yet", "the refund has not arrived yet."),
]


async def _case(db: Database) -> tuple[User, str]:
    user = await make_user(db, "mei@a.com")
    return user, await case_with(db, user)


async def _statuses(db: Database, case_id: str) -> dict[str, PainPointStatus]:
    async with db.sessions() as session:
        rows = (
            await session.execute(
                select(PainPoint.normalized_text, PainPoint.status).where(PainPoint.case_id == case_id)
            )
        ).all()
    return {row[0]: row[1] for row in rows}


async def test_distinct_chinese_complaints_are_never_duplicates(db: Database, settings: Settings) -> None:
    user, case_id = await _case(db)
    jobs = Followups(db, settings)
    config = PainPointConfig.from_settings(settings)
    # half in one batch, then the rest one by one against the stored ones: both paths of the check
    half = len(DISTINCT_CHINESE) // 2
    await submit(db, user, [SubmissionInput(case_id, t) for t in DISTINCT_CHINESE[:half]], config)
    for text in DISTINCT_CHINESE[half:]:
        await submit(db, user, [SubmissionInput(case_id, text)], config)
    await jobs.drain()
    statuses = await _statuses(db, case_id)
    assert set(statuses) == set(DISTINCT_CHINESE)
    assert [t for t, s in statuses.items() if s is PainPointStatus.DUPLICATE] == []


async def test_rewordings_in_both_languages_are_still_caught(db: Database, settings: Settings) -> None:
    user, case_id = await _case(db)
    jobs = Followups(db, settings)
    config = PainPointConfig.from_settings(settings)
    originals = [SubmissionInput(case_id, original) for original, _ in REWORDED]
    await submit(db, user, originals, config)
    results = await submit(db, user, [SubmissionInput(case_id, reworded) for _, reworded in REWORDED], config)
    await jobs.drain()
    for (original, reworded), result in zip(REWORDED, results, strict=True):
        assert result.pain_point is not None, reworded
        assert result.pain_point.status is PainPointStatus.DUPLICATE, (original, reworded)
    statuses = await _statuses(db, case_id)
    assert all(statuses[original] is PainPointStatus.SUBMITTED for original, _ in REWORDED)


async def test_the_first_chinese_pain_point_of_an_english_team_has_the_team_clustered_again(
    db: Database, settings: Settings
) -> None:
    user, case_id = await _case(db)
    jobs = Followups(db, settings)
    config = PainPointConfig.from_settings(settings)
    english = [
        "Card payment fails at checkout during the evening peak",
        "Customers see payment declined at checkout although the bank approved it",
        "The card terminal at checkout rejects contactless payments",
        "Checkout payment times out when the store is busy",
        "Refund has not arrived after two weeks",
        "The refund for a returned order is still missing",
        "Customer still waiting for the refund of a cancelled order",
        "Refunds take more than ten days to reach the card",
    ]
    await submit(db, user, [SubmissionInput(case_id, t) for t in english], config)
    await jobs.drain()
    async with db.transaction() as session:
        job, _ = await cluster_runs.request(session, user, user.team_id)
    await jobs.enqueue(cluster_runs.JOB_NAME, job_id=job.id, team_id=user.team_id)
    await jobs.drain()
    async with db.sessions() as session:
        (run,) = (await session.execute(select(ClusterRun))).scalars().all()
    assert run.params["space"] == [1.0, 0.0]  # an English team: MiniLM's part alone

    (chinese,) = await submit(db, user, [SubmissionInput(case_id, "结账时银行卡支付失败")], config)
    await jobs.drain()
    assert chinese.pain_point is not None
    async with db.sessions() as session:
        latest = await current_run(session, user.team_id)
        assert latest is not None
        assert latest.id != run.id
        rows = await session.execute(
            select(ClusterMembership.pain_point_id, ClusterMembership.cluster_id).where(
                ClusterMembership.run_id == latest.id
            )
        )
        members = {row[0]: row[1] for row in rows.all()}
        rows = await session.execute(select(PainPoint.id, PainPoint.normalized_text))
        texts = {row[0]: row[1] for row in rows.all()}
    assert latest.params["space"] == pytest.approx(list(MIXED_WEIGHTS))
    # the run records how it read the blend: English pairs' neighbours, joining clusters across languages
    assert latest.params["first_part_neighbours"] == MIXED_ENGLISH_NEIGHBOURS
    assert latest.params["cross_language_join"] == MIXED_JOIN_LANGUAGES
    together = {texts[p] for p, c in members.items() if c == members[chinese.pain_point.id]}
    assert "结账时银行卡支付失败" in together
    assert together & set(english[:4])  # beside the English checkout complaints
