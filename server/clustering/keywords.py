"""Cluster keywords by class-based TF-IDF, with a tokenizer for English, Chinese and the two mixed."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN_TOKEN = re.compile(r"[a-z0-9]+")

# Words that describe who complains or how, not what about; TF-IDF alone would let a frequent one win.
_EN_EXTRA_STOP = frozenset(
    """customer customers client clients user users said says say asked asks ask told tell keep keeps
    kept get gets got getting still just really please thanks hi hello team anyone nobody someone
    everyone issue issues problem problems doesn don didn isn wasn won ve ll re like need
    needs want wants time times way used use using day days week weeks month months yes""".split()  # noqa: SIM905 - a word list reads better as text
)
_ZH_STOP = frozenset(
    """一直 一个 一下 一些 一次 不是 不能 不行 不会 什么 为什么 今天 以后 以前 但是 你们
    我们 他们 她们 它们 客户 现在 这个 那个 这些 那些 这样 那样 还是 就是 已经 因为
    所以 如果 然后 可以 没有 还有 并且 而且 或者 怎么 之后 之前 时候 其实 感觉 觉得
    说是 说要 反馈 表示 问题 情况 到底 根本 直接 每次 每个 总是 经常 老是 特别 非常
    比较 几次 好几 之类 出来 起来 一样 需要 希望 能不能 有没有 要求 只能 只是 也没 都是
    也是 可能 应该 那边 这边 这里 那里 结果 发现 目前 马上 刚刚 自己 大家 所有 全部
    不了 不到 不好 好像""".split()  # noqa: SIM905 - a word list reads better as text
)
# Customer-service words jieba's general dictionary splits ("没到账" would become "没到" + "账").
_ZH_DOMAIN_WORDS = [
    "到账",
    "闪退",
    "单点登录",
    "工单",
    "对接",
    "看板",
    "续约",
    "缺货",
    "断货",
    "交期",
    "退订",
    "扣款",
]
_MIN_TOKEN_CHARS = 2


@dataclass(frozen=True, slots=True)
class Keyword:
    """A term and its c-TF-IDF weight in one cluster."""

    term: str
    score: float


def tokenize(text: str) -> list[str]:
    """Return the content words of `text`: lower-cased English without stop words, Chinese words by jieba."""
    tokens = [_singular(t) for t in _LATIN_TOKEN.findall(text.lower()) if _is_content_word(t)]
    cut = _jieba_cut()
    for run in _CJK_RUN.findall(text):
        tokens.extend(w for w in cut(run) if len(w) >= _MIN_TOKEN_CHARS and w not in _ZH_STOP)
    return tokens


def class_keywords(
    documents: Sequence[str], labels: Sequence[int], *, top_n: int = 10, min_documents: int = 2
) -> dict[int, list[Keyword]]:
    """Return the top keywords of each label (negative labels count for rarity but get no keywords).

    A term counts once per document, so one long message cannot dominate its cluster, and it must appear in
    at least `min_documents` members (fewer if the cluster is smaller) unless no term does.
    """
    per_class: dict[int, Counter[str]] = {}
    documents_per_class: Counter[int] = Counter()
    corpus: Counter[str] = Counter()
    for document, label in zip(documents, labels, strict=True):
        terms = set(tokenize(document))
        per_class.setdefault(label, Counter()).update(terms)
        documents_per_class[label] += 1
        corpus.update(terms)
    if not per_class:
        return {}
    average_terms = sum(sum(c.values()) for c in per_class.values()) / len(per_class)
    result: dict[int, list[Keyword]] = {}
    for label, counts in per_class.items():
        if label < 0:
            continue
        total = sum(counts.values()) or 1
        needed = min(min_documents, documents_per_class[label])
        recurring = {t: c for t, c in counts.items() if c >= needed}
        # members with no word in common still get keywords, from the single mentions
        scored = [
            Keyword(term, (count / total) * math.log(1 + average_terms / corpus[term]))
            for term, count in (recurring or counts).items()
        ]
        scored.sort(key=lambda k: (-k.score, k.term))
        result[label] = scored[:top_n]
    return result


def label_from_keywords(keywords: Iterable[Keyword], *, max_terms: int = 3) -> str:
    """Return a short human label such as "refund / 退款 / 到账" from the best keywords."""
    chosen: list[str] = []
    for keyword in keywords:
        # "export" after "data export", or "退款" after "退款申请", adds nothing to a label
        if any(keyword.term in kept or kept in keyword.term for kept in chosen):
            continue
        chosen.append(keyword.term)
        if len(chosen) == max_terms:
            break
    return " / ".join(chosen) if chosen else "(no keywords)"


def _is_content_word(token: str) -> bool:
    return (
        len(token) >= _MIN_TOKEN_CHARS
        and not token.isdigit()
        and token not in _english_stop_words()
        and token not in _EN_EXTRA_STOP
    )


def _singular(token: str) -> str:
    """Fold regular English plurals so "refunds" and "refund" count as one keyword."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 4 and token.endswith(("ches", "shes", "sses", "xes", "zes")):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "ics")):
        return token[:-1]
    return token


@cache
def _english_stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@cache
def _jieba_cut() -> Callable[[str], list[str]]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()  # loads the dictionary (~1 s, cached on disk after the first time); has its own lock
    for word in _ZH_DOMAIN_WORDS:
        jieba.add_word(word)
    cut: Callable[[str], list[str]] = jieba.lcut
    return cut
