"""Finding the right asset among 50 by words and by meaning (the real pain-point embedding model), in
Chinese and English; another team's TEAM asset is never listed."""

from __future__ import annotations

from typing import Any

import pytest

from server.infra.db import Database
from tests.support.documents import write
from tests.support.graphql import GraphQL
from tests.support.people import make_person

PUBLISH = "mutation($i: PublishKnowledgeAssetInput!) { publishKnowledgeAsset(input: $i) { id title } }"
SNAPSHOT = "mutation($c: ID!, $l: String!) { createSnapshot(caseId: $c, label: $l) { id } }"
SEARCH = "query($q: String) { knowledgeAssets(query: $q, first: 100) { nodes { title } } }"
SIMILAR = "query($t: String!) { similarKnowledgeAssets(text: $t, first: 3) { score asset { id title } } }"

# 50 playbooks on unrelated subjects, half Chinese, half English: (title, first paragraph).
PLAYBOOKS = [
    ("手术室紧急故障处置SOP", "手术室设备突然断电或报警时，先切换备用电源，再通知设备科工程师到场。"),
    ("冷链运输温控方案", "疫苗冷链运输全程保持2到8摄氏度，温度超标立即隔离货物。"),
    ("经销商返利核算流程", "每季度末按经销商销售额计算返利，财务复核后发放。"),
    ("招标文件合规审查", "投标前由法务审查招标文件中的资质要求和违约条款。"),
    ("新员工入职培训计划", "新员工第一周完成产品知识和安全规范培训。"),
    ("客户投诉升级机制", "客户投诉四十八小时未解决的，升级到区域经理处理。"),
    ("仓库盘点差异处理", "月度盘点发现差异时，核对出入库单据并追查原因。"),
    ("海外发货报关指引", "出口货物需准备商业发票、装箱单和原产地证明办理报关。"),
    ("医院设备验收清单", "设备到货后按清单逐项验收，签署验收报告。"),
    ("大客户年度续约策略", "续约前三个月回顾全年服务数据，准备续约方案。"),
    ("软件版本发布检查表", "发布前完成回归测试、数据库备份和回滚预案。"),
    ("实验室样品管理规范", "样品入库登记编号，按温度要求分区存放。"),
    ("门店促销活动执行", "促销活动前一周完成物料布置和店员培训。"),
    ("供应商准入评估", "新供应商需通过资质审核、样品测试和现场审核。"),
    ("财务月结关账步骤", "每月五日前完成应收应付对账并关账。"),
    ("数据中心机房巡检", "每日巡检机房温湿度、UPS状态和消防设施。"),
    ("售后备件调拨流程", "区域备件不足时，从中心仓紧急调拨。"),
    ("展会参展筹备指南", "参展前两个月确定展位设计并安排运输。"),
    ("合同审批权限矩阵", "合同金额超过一百万元需总经理审批。"),
    ("生产线换型作业指导", "换型时按顺序更换模具并首件检验。"),
    ("客户满意度调研方法", "每半年通过电话回访和问卷收集客户满意度。"),
    ("差旅报销标准说明", "出差住宿标准按城市等级执行，凭发票报销。"),
    ("产品召回应急预案", "发现批次质量问题时，二十四小时内启动召回。"),
    ("信息安全事件响应", "发现数据泄露后立即隔离系统并上报安全团队。"),
    ("零售渠道铺货计划", "新品上市首月覆盖重点城市的核心门店。"),
    (
        "Warehouse returns playbook",
        "When a customer sends back damaged goods, inspect the parcel and refund within five days.",
    ),
    ("Enterprise onboarding checklist", "Set up single sign-on, import users and schedule the kickoff call."),
    ("Quarterly pricing review", "Compare list prices with competitors and adjust discounts each quarter."),
    ("Field service dispatch rules", "Assign the nearest certified technician and confirm the visit window."),
    (
        "Churn risk early warning",
        "Flag accounts whose weekly usage drops by half for a success manager call.",
    ),
    (
        "Invoice dispute resolution",
        "Match the disputed invoice with the purchase order before issuing credit.",
    ),
    ("Trade show lead follow-up", "Call every booth visitor within two days and log notes in the CRM."),
    (
        "Data privacy request handling",
        "Verify identity, then export or erase the personal data within thirty days.",
    ),
    ("Fleet maintenance schedule", "Service each delivery van every ten thousand kilometres."),
    (
        "Clinical trial site selection",
        "Choose sites with enough eligible patients and trained investigators.",
    ),
    ("Cloud cost optimisation", "Shut down idle instances and buy reserved capacity for steady workloads."),
    ("Partner certification program", "Partners pass two exams and deliver one supervised project."),
    ("Press release approval", "Legal and communications sign off on every public statement."),
    ("Factory safety inspection", "Check guards, emergency stops and fire exits every Monday."),
    ("Sales territory planning", "Balance territories by revenue potential and travel time."),
    ("Recruiting interview loop", "Four interviews: hiring manager, two peers and a values conversation."),
    ("Customer health score", "Combine usage, support tickets and survey answers into one score."),
    ("Import tariff classification", "Classify each product under the harmonised system before shipping."),
    ("Office relocation plan", "Move teams over two weekends and test the network before Monday."),
    ("Product roadmap intake", "Collect requests from sales and support and score them monthly."),
    ("Accounts receivable collections", "Send reminders at seven, thirty and sixty days overdue."),
    ("Backup and restore drill", "Restore last night's backup to a spare server every month."),
    ("Influencer campaign brief", "Describe audience, message and budget for each creator."),
    (
        "Hospital procurement tender",
        "Prepare qualification files and price sheets for the hospital's tender.",
    ),
    (
        "Medical device complaint intake",
        "Record the device serial number and patient impact for each complaint.",
    ),
]


async def _publish(
    api: GraphQL, db: Database, token: str, author: str, title: str, text: str, audience: str
) -> str:
    case_id = await api.create_case(token, title=title, customer="某客户")
    await write(db, case_id, author, title, text)
    snapshot = (await api.data(SNAPSHOT, {"c": case_id, "l": "v1"}, token))["createSnapshot"]["id"]
    variables = {"i": {"caseId": case_id, "snapshotId": snapshot, "title": title, "audience": audience}}
    asset_id: str = (await api.data(PUBLISH, variables, token))["publishKnowledgeAsset"]["id"]
    return asset_id


# Fifty publishes, each encoding its asset with the real model: minutes on a loaded two-core machine.
@pytest.mark.timeout(600)
async def test_words_and_meaning_find_the_right_asset_among_fifty(api: GraphQL, app_db: Database) -> None:
    author = await make_person(app_db, "author@example.com", team="Team A")
    reader = await make_person(app_db, "reader@example.com", team="Team A")
    foreign = await make_person(app_db, "foreign@example.com", team="Team B")
    token = await api.login(author.email, author.password)
    reader_token = await api.login(reader.email, reader.password)
    foreign_token = await api.login(foreign.email, foreign.password)
    for title, text in PLAYBOOKS:
        await _publish(api, app_db, token, author.id, title, text, "TEAM")
    # Team B's own take on the very subjects searched below, for Team B only.
    hidden = await _publish(
        api, app_db, foreign_token, foreign.id, "手术室故障处置 (B)", "手术室设备断电时切换备用电源。", "TEAM"
    )

    async def words(query: str) -> list[str]:
        nodes: list[dict[str, Any]] = (await api.data(SEARCH, {"q": query}, reader_token))["knowledgeAssets"][
            "nodes"
        ]
        return [node["title"] for node in nodes]

    assert await words("故障处置") == ["手术室紧急故障处置SOP"]
    assert await words("damaged goods") == ["Warehouse returns playbook"]
    assert await words("hospital tender") == ["Hospital procurement tender"]

    async def meaning(text: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = (await api.data(SIMILAR, {"t": text}, reader_token))[
            "similarKnowledgeAssets"
        ]
        return found

    chinese = await meaning("手术室的设备突然停电了，该怎么处理？")
    assert chinese[0]["asset"]["title"] == "手术室紧急故障处置SOP"
    english = await meaning("a customer shipped back a broken item and wants their money")
    assert english[0]["asset"]["title"] == "Warehouse returns playbook"
    assert english[0]["score"] > english[1]["score"]
    for found in (chinese, english):
        assert hidden not in {match["asset"]["id"] for match in found}
    # Team B finds its own.
    theirs = (await api.data(SIMILAR, {"t": "手术室的设备突然停电了"}, foreign_token))[
        "similarKnowledgeAssets"
    ]
    assert [match["asset"]["id"] for match in theirs] == [hidden]
