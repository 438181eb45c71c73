"""The words of the heatmap pictures, in Simplified Chinese and English (the war room's two languages, in the
frontend's words for the same things: frontend/src/i18n/locales/).

`wording_for("zh-CN")` or `wording_for("en")`. The picture routes default to Chinese
(server/api/heatmap_images.py); the drawing functions take English unless given words. English counts take a
singular ("1 comment"); Chinese needs no plural.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from server.heatmaps.buckets import Activity

Language = Literal["zh-CN", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("zh-CN", "en")


@dataclass(frozen=True)
class Wording:
    activities: dict[Activity, tuple[str, str]]  # one, many: "{n}" is the count
    score: str
    surviving: str
    score_tip: str  # {name} {column} {score}
    details: str  # {list}
    separator: str
    section_tip: str  # {name} {section} {chars}
    share: str  # {share}
    nothing: str
    summary: str  # {title} {people} {columns}
    highest: str  # {unit} {value} {name} {column}
    stop: str
    contributions: str  # {subject} {period}
    sections: str  # {subject}
    period: str  # {first} {last}

    def activity(self, kind: Activity, count: int) -> str:
        one, many = self.activities[kind]
        return (one if count == 1 else many).format(n=f"{count:,}")


ENGLISH: Final = Wording(
    activities={
        Activity.DOC_CHARS_INSERTED: ("{n} character written", "{n} characters written"),
        Activity.DOC_CHARS_DELETED: ("{n} character deleted", "{n} characters deleted"),
        Activity.COMMENTS: ("{n} comment", "{n} comments"),
        Activity.SNAPSHOTS: ("{n} named version", "{n} named versions"),
        Activity.PAIN_POINTS: ("{n} pain point", "{n} pain points"),
        Activity.ADOPTIONS: ("{n} adoption", "{n} adoptions"),
        Activity.ASSET_REUSES: (
            "{n} case started from the published knowledge",
            "{n} cases started from the published knowledge",
        ),
        Activity.ASSET_SUBSCRIPTIONS: (
            "{n} subscriber to the published knowledge",
            "{n} subscribers to the published knowledge",
        ),
    },
    score="score",
    surviving="surviving characters",
    score_tip="{name} · {column}: score {score}",
    details=" ({list})",
    separator=", ",
    section_tip="{name} · {section}: {chars} surviving characters",
    share=" ({share} of the section)",
    nothing="Nothing to show yet.",
    summary="{title}: heatmap of {people} people by {columns} columns",
    highest="; highest {unit} {value} for {name} in {column}",
    stop=".",
    contributions="Contributions to {subject}, {period}",
    sections="Whose text is in {subject}",
    period="{first} to {last}",
)

CHINESE: Final = Wording(
    activities={
        Activity.DOC_CHARS_INSERTED: ("写入 {n} 字", "写入 {n} 字"),
        Activity.DOC_CHARS_DELETED: ("删除 {n} 字", "删除 {n} 字"),
        Activity.COMMENTS: ("{n} 条评论", "{n} 条评论"),
        Activity.SNAPSHOTS: ("命名 {n} 个版本", "命名 {n} 个版本"),
        Activity.PAIN_POINTS: ("{n} 条痛点", "{n} 条痛点"),
        Activity.ADOPTIONS: ("{n} 次采纳", "{n} 次采纳"),
        Activity.ASSET_REUSES: ("{n} 个项目由所发布的知识开启", "{n} 个项目由所发布的知识开启"),
        Activity.ASSET_SUBSCRIPTIONS: ("所发布的知识获 {n} 人订阅", "所发布的知识获 {n} 人订阅"),
    },
    score="活跃度得分",
    surviving="保留字数",
    score_tip="{name} · {column}：活跃度得分 {score}",
    details="（{list}）",
    separator="，",
    section_tip="{name} · {section}：保留 {chars} 字",
    share="（占本节 {share}）",
    nothing="暂无数据。",
    summary="{title}：{people} 人 × {columns} 列的热力图",
    highest="；{unit}最高为 {name} 在 {column} 的 {value}",
    stop="。",
    contributions="{subject} 的贡献，{period}",
    sections="{subject} 的文字出自谁",
    period="{first} 至 {last}",
)

_BY_LANGUAGE: Final[dict[str, Wording]] = {"zh-CN": CHINESE, "en": ENGLISH}


def wording_for(language: str) -> Wording:
    """The wording of one of LANGUAGES (KeyError otherwise)."""
    return _BY_LANGUAGE[language]
