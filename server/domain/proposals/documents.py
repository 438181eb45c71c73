"""A proposal as a document: the JSON that webhooks send and `/proposals/{id}.json` serves, and its Markdown.

The Markdown names every heading and field in Chinese and English (`问题陈述 Problem statement`): teams here
write in Chinese first, their trackers and suppliers often read English, and one export serves both
without a setting. Text people wrote (titles, pain points, notes) is left in its language; characters
that Markdown or HTML would read as markup are escaped, so a pasted `<script>` or `|` stays text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from server.domain.proposals.evidence import iso
from server.domain.users import people_by_id
from server.models import ProposalStatus, RequirementProposal

STATUS_NAMES = {
    ProposalStatus.OPEN: "待处理 OPEN",
    ProposalStatus.ACCEPTED: "已接受 ACCEPTED",
    ProposalStatus.DECLINED: "已拒绝 DECLINED",
    ProposalStatus.DONE: "已完成 DONE",
}


async def document(session: AsyncSession, proposal: RequirementProposal) -> dict[str, Any]:
    """The proposal as JSON-ready data (people named)."""
    (doc,) = await documents(session, [proposal])
    return doc


async def documents(session: AsyncSession, proposals: Sequence[RequirementProposal]) -> list[dict[str, Any]]:
    """`document` of each proposal, the people of all of them looked up at once."""
    people = await people_by_id(session, {i for p in proposals for i in (p.adopted_by, p.updated_by) if i})

    def person(user_id: str | None) -> dict[str, Any] | None:
        if user_id is None:
            return None
        return {"id": user_id, "name": people[user_id].name if user_id in people else None}

    return [
        {
            "id": proposal.id,
            "title": proposal.title,
            "problemStatement": proposal.problem_statement,
            "status": proposal.status.name,
            "clusterId": proposal.cluster_id,
            "note": proposal.note,
            "adoptedBy": person(proposal.adopted_by),
            "createdAt": iso(proposal.created_at),
            "updatedAt": iso(proposal.updated_at),
            "updatedBy": person(proposal.updated_by),
            "evidence": proposal.evidence,
        }
        for proposal in proposals
    ]


def to_json(doc: dict[str, Any]) -> str:
    """The JSON export: UTF-8, Chinese as it is, indented for people who open the file."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def to_markdown(doc: dict[str, Any]) -> str:
    """The Markdown export, with bilingual headings and field names."""
    evidence: dict[str, Any] = doc.get("evidence") or {}
    status = ProposalStatus[doc["status"]]
    adopted_by = (doc.get("adoptedBy") or {}).get("name") or (doc.get("adoptedBy") or {}).get("id") or ""
    lines = [
        f"# {_inline(doc['title'])}",
        "",
        f"需求提案 Requirement proposal `{doc['id']}`",
        "",
        "| 字段 Field | 内容 Value |",
        "| --- | --- |",
        f"| 状态 Status | {STATUS_NAMES[status]} |",
        f"| 采纳人 Adopted by | {_cell(adopted_by)} |",
        f"| 采纳时间 Adopted at | {_cell(doc.get('createdAt') or '')} |",
        f"| 更新时间 Updated at | {_cell(doc.get('updatedAt') or '')} |",
        f"| 聚类 Cluster | `{doc['clusterId']}` |",
        f"| 采纳说明 Note | {_cell(doc.get('note') or '—')} |",
        "",
        "## 问题陈述 Problem statement",
        "",
        _block(doc["problemStatement"]),
        "",
        "## 证据 Evidence",
        "",
        f"- 痛点 Pain points: {evidence.get('painPointCount', 0)}"
        f"（已采纳 adopted: {evidence.get('adoptedCount', 0)}）",
        f"- 项目 Cases: {evidence.get('caseCount', 0)}",
        f"- 提交人 Authors: {evidence.get('authorCount', 0)}",
        f"- 受影响客户 Affected customers ({evidence.get('customerCount', 0)}): "
        + _inline("、".join(evidence.get("customers") or []) or "—"),
        f"- 首次出现 First seen: {evidence.get('firstSeen') or '—'}",
        f"- 最近出现 Last seen: {evidence.get('lastSeen') or '—'}",
        f"- 关键词 Keywords: {_inline(', '.join(evidence.get('keywords') or []) or '—')}",
        "",
        "### 每周趋势 Weekly trend",
        "",
        "| 周（周一）Week (Monday) | 数量 Count |",
        "| --- | --- |",
        *(f"| {week['week']} | {week['count']} |" for week in evidence.get("trend") or []),
        "",
        "### 代表性痛点 Representative pain points",
        "",
    ]
    for number, item in enumerate(evidence.get("representatives") or [], start=1):
        author = (item.get("author") or {}).get("name") or (item.get("author") or {}).get("id") or ""
        lines += [
            f"{number}. {_inline(item['text'])}",
            f"   - 项目 Case: {_inline(item.get('caseTitle') or item['caseId'])}"
            f" · 客户 Customer: {_inline(item.get('customer') or '—')}"
            f" · 提交人 Author: {_inline(author)} · {item.get('createdAt') or ''}",
        ]
    return "\n".join(lines).rstrip() + "\n"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inline(text: str) -> str:
    """One line of text: line breaks become spaces, markup characters are escaped."""
    flat = " ".join(str(text).split())
    for mark in ("\\", "`", "*", "_", "[", "]", "#", "|"):
        flat = flat.replace(mark, "\\" + mark)
    return _escape(flat)


def _cell(text: str) -> str:
    return _inline(text) or "—"


def _block(text: str) -> str:
    """A paragraph that keeps its line breaks (as Markdown hard breaks), markup escaped; a line that would
    start a list, quote or heading starts with a backslash instead."""
    lines = []
    for raw in str(text).strip().splitlines():
        line = _inline(raw)
        if _BLOCK_START.match(line):
            line = "\\" + line
        lines.append(line)
    return "  \n".join(line for line in lines if line) or "—"


_BLOCK_START = re.compile(r"^([-+>=~]|\d+[.)])")
