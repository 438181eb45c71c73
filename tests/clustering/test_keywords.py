import pytest

from server.clustering.keywords import Keyword, class_keywords, label_from_keywords, tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Refunds are still processing after weeks", ["refund", "processing"]),
        ("The iOS app crashes on launch", ["ios", "app", "crash", "launch"]),
        ("退款一直没到账", ["退款", "到账"]),
        ("发票抬头开错了，财务不能报销", ["发票", "抬头", "开错", "财务", "报销"]),
        ("SSO登录失败, can't log in", ["sso", "log", "登录", "失败"]),
        ("客户说 checkout 页面 payment failed", ["checkout", "payment", "failed", "页面"]),
    ],
)
def test_tokenize(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


def test_tokenize_drops_stop_words_numbers_and_single_letters() -> None:
    assert tokenize("The customer says it is a 2024 problem, and I agree x") == ["agree"]
    assert tokenize("我们的问题就是这个") == []


def test_keywords_name_what_each_cluster_is_about() -> None:
    documents = [
        "Refund still not received after three weeks",
        "Where is my refund? Approved a month ago",
        "refund processing takes forever",
        "退款一直没到账",
        "退款申请通过了，钱还没到账",
        "客户催退款进度",
        "The mobile app crashes on launch",
        "App crashes when uploading a photo",
        "iOS app crash after the update",
        "APP 一打开就闪退",
        "安卓版一直闪退",
        "Pages are slow to load",
    ]
    labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1]
    keywords = class_keywords(documents, labels, top_n=4)
    assert set(keywords) == {0, 1}
    refund_terms = [k.term for k in keywords[0]]
    crash_terms = [k.term for k in keywords[1]]
    assert refund_terms[:2] == ["退款", "refund"] or refund_terms[:2] == ["refund", "退款"]
    assert "到账" in refund_terms
    assert {"app", "crash", "闪退"} <= set(crash_terms)
    assert not {"app", "crash"} & set(refund_terms)


def test_a_term_must_recur_in_the_cluster() -> None:
    keywords = class_keywords(["invoice wrong VAT", "invoice missing PO", "totally unique words"], [0, 0, 0])
    assert [k.term for k in keywords[0]] == ["invoice"]


def test_members_without_a_shared_word_still_get_keywords() -> None:
    keywords = class_keywords(["invoice wrong", "delivery late"], [0, 0])
    assert {k.term for k in keywords[0]} == {"invoice", "wrong", "delivery", "late"}


def test_label_uses_distinct_top_terms() -> None:
    words = [
        Keyword("data export", 0.9),
        Keyword("export", 0.8),
        Keyword("导出", 0.7),
        Keyword("csv", 0.6),
        Keyword("excel", 0.5),
    ]
    assert label_from_keywords(words) == "data export / 导出 / csv"
    assert label_from_keywords([]) == "(no keywords)"


def test_a_cluster_of_chinese_pain_points_is_labelled_in_chinese_without_stop_words() -> None:
    documents = [
        "焊接机器人的焊缝偏离轨迹",
        "机器人焊接轨迹一直偏移",
        "换枪以后焊接轨迹偏了两毫米",
        "焊缝不在工件中心，机器人轨迹漂移了",
        "The invoice shows the wrong VAT number",
        "Invoice VAT number is wrong again",
    ]
    keywords = class_keywords(documents, [0, 0, 0, 0, 1, 1], top_n=5)
    label = label_from_keywords(keywords[0])
    assert all(not term.isascii() for term in label.split(" / ")), label
    assert {"焊接", "轨迹"} <= {k.term for k in keywords[0]}
    assert not {"的", "了", "一直", "以后"} & {k.term for k in keywords[0]}
    assert label_from_keywords(keywords[1]).split(" / ")[0] in {"invoice", "vat"}
