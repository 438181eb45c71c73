"""A proposal's first problem statement: the cluster's keywords in the language of most of its pain points."""

from server.domain.proposals.actions import problem_statement
from server.models import Cluster, PainPoint

KEYWORDS = [{"term": term, "score": 1.0} for term in ("payment", "支付", "checkout")]


def _points(*texts: str) -> list[PainPoint]:
    return [PainPoint(normalized_text=text) for text in texts]


def test_the_statement_speaks_the_language_most_pain_points_are_written_in() -> None:
    cluster = Cluster(label="payment / 支付 / checkout", keywords=KEYWORDS)
    chinese = _points("收银台付款失败", "Card payment fails at checkout", "结账时支付被拒绝")
    english = _points("Card payment fails at checkout", "Payment declined at the till", "支付失败")
    assert problem_statement(cluster, chinese) == "关键词：payment、支付、checkout"
    assert problem_statement(cluster, english) == "Keywords: payment, 支付, checkout"
    # Half and half: Chinese, our users' first language.
    assert problem_statement(cluster, chinese[:2]) == "关键词：payment、支付、checkout"


def test_a_cluster_without_keywords_states_its_label() -> None:
    assert problem_statement(Cluster(label="结账失败", keywords=[]), _points("结账失败")) == "结账失败"
