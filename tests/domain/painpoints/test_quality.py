import json
import logging
import threading
from pathlib import Path

import pytest

from server.clustering.keywords import tokenize
from server.domain.painpoints import quality as painpoint_quality
from server.domain.painpoints.quality import RejectionCode, check_text, count_words, normalize_text

ACCEPTED = [
    # short but real complaints, the ones the gate must never refuse
    "card payment declined twice",
    "退款一直没到账",
    "login fails",
    "app crashes",
    "无法登录",
    "发票抬头开错了",
    "error 500 on checkout",
    "SSO 登录失败",
    "客户说 checkout 页面 payment failed，重试了好几次还是不行",
    "iOS app 升级到 5.2 之后就一直 crash",
    "Customer's Visa corporate card keeps getting declined at checkout even though the bank says it's fine.",
    # accents, typography, other scripts and emoji are ordinary text, not mojibake
    "La facture reçue est erronée : TVA à 20 % au lieu de 0 %",
    "Die Lieferung für Müller GmbH kommt immer zu spät",
    "naïve façade — “quoted” and ‘single’ quotes…",
    "Ошибка оплаты при заказе",
    "注文がまだ届きません、配送が遅すぎる",
    "결제가 계속 실패합니다",
    "😡 payment failed again 👎🏽",
    "Family plan 👨‍👩‍👧 shows the wrong price",
    "the price went up 30% overnight 💸💸",
    # tabs and newlines are layout, not control characters
    "Steps:\n1. open orders\n2. tap export\n\tnothing happens",
    # a placeholder alongside a real description is fine
    "[图片] 付款页面一直转圈，最后提示支付超时",
    "see screenshot.png — the invoice shows the wrong VAT number",
    "[image] refund still not received after 3 weeks",
    # brackets that are not placeholders
    "[urgent] refund still missing",
    "[Pick list] export fails for large orders",
]

# Three or four characters are a whole complaint in Chinese; English says the same in two words.
SHORT_ACCEPTED = [
    "退款慢",
    "卡被吞",
    "扣费两次",
    "没到账",
    "还没发货",
    "数据不对",
    "给我退款",
    "退款很慢",
    "帐号被锁",
    "帳號登不進去",
    "refund slow",
    "card swallowed",
    "charged twice",
    # Latin words inside Chinese count as words: "APP" + "闪退"
    "APP闪退",
    "iOS闪退",
    "VPN连不上",
    "SSO 又挂了",
]

# One word, or only particles, laughter, function characters and thanks: refused as today.
SHORT_REFUSED = [
    "闪退",
    "闪退了",
    "闪退闪退闪退",
    "很卡",
    "好",
    "好好",
    "好好好",
    "好的",
    "好的呢",
    "嗯嗯好的",
    "哈哈哈哈",
    "哈哈哈哈哈哈",
    "呵呵",
    "嘿嘿嘿",
    "嘻嘻",
    "了吗",
    "在吗",
    "你好啊",
    "谢谢你",
    "收到谢谢",
    "好的谢谢",
    "我也是",
    "同上",
    "测试测试",
    "？？？",
    "ok",
    "ok ok",
    "哈哈哈 ok ok",
    "thanks 谢谢",
    "🙂",
]


@pytest.mark.parametrize("text", ACCEPTED + SHORT_ACCEPTED)
def test_accepts_real_pain_points(text: str) -> None:
    assert check_text(text) == []


@pytest.mark.parametrize("text", SHORT_REFUSED)
def test_refuses_what_says_nothing_in_either_language(text: str) -> None:
    assert [r.code for r in check_text(text)] == [RejectionCode.TOO_SHORT]


@pytest.mark.parametrize(
    "text", [*SHORT_ACCEPTED, *SHORT_REFUSED, "按120个账号收的费，实际只用了85个", "退款 12345"]
)
def test_the_gate_stops_counting_early_but_decides_as_a_full_count(text: str) -> None:
    too_short = RejectionCode.TOO_SHORT in [r.code for r in check_text(text)]
    assert too_short == (count_words(text) < 2)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", RejectionCode.EMPTY),
        ("   \n\t  ", RejectionCode.EMPTY),
        ("\u200b\ufeff", RejectionCode.EMPTY),
        ("ok", RejectionCode.TOO_SHORT),
        ("asdf", RejectionCode.TOO_SHORT),
        ("好", RejectionCode.TOO_SHORT),
        ("闪退", RejectionCode.TOO_SHORT),
        ("N/A", RejectionCode.TOO_SHORT),
        ("test test test", RejectionCode.TOO_SHORT),
        ("哈哈哈哈哈哈", RejectionCode.TOO_SHORT),
        ("12345", RejectionCode.TOO_SHORT),
        ("???!!!", RejectionCode.TOO_SHORT),
        ("😡😡😡", RejectionCode.TOO_SHORT),
        ("[图片]", RejectionCode.PLACEHOLDER_ONLY),
        ("【图片】", RejectionCode.PLACEHOLDER_ONLY),
        ("[图片][图片] [文件]", RejectionCode.PLACEHOLDER_ONLY),
        ("[image]", RejectionCode.PLACEHOLDER_ONLY),
        ("[Image #1]", RejectionCode.PLACEHOLDER_ONLY),
        ("[文件: 报价单.pdf]", RejectionCode.PLACEHOLDER_ONLY),
        ("[语音]", RejectionCode.PLACEHOLDER_ONLY),
        ("[动画表情]", RejectionCode.PLACEHOLDER_ONLY),
        ("[图片] 如图", RejectionCode.PLACEHOLDER_ONLY),
        ("<image omitted>", RejectionCode.PLACEHOLDER_ONLY),
        ("<Media omitted>", RejectionCode.PLACEHOLDER_ONLY),
        ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB", RejectionCode.PLACEHOLDER_ONLY),
        ('<img src="https://cdn.example.com/a.png" alt="">', RejectionCode.PLACEHOLDER_ONLY),
        ("![screenshot](https://cdn.example.com/a.png)", RejectionCode.PLACEHOLDER_ONLY),
        ("IMG_2043.JPG", RejectionCode.PLACEHOLDER_ONLY),
        ("微信截图_20250601.png", RejectionCode.PLACEHOLDER_ONLY),
    ],
)
def test_refuses_with_one_reason(text: str, code: RejectionCode) -> None:
    assert [r.code for r in check_text(text)] == [code]


@pytest.mark.parametrize(
    "text",
    [
        "Ã©tÃ© trÃ¨s chaud, la livraison est en retard",  # UTF-8 read as Latin-1
        "mÃ¼ller says the invoice is wrong",
        "â€œpayment failedâ€\x9d on every attempt",  # UTF-8 read as Windows-1252
        "The price is Â£50 more than quoted",
        "æ\x80\x8eä¹\x88还没到账",  # Chinese UTF-8 bytes read as Latin-1
        "浣犲ソ锛岄€€娆炬病鏈夊埌璐",  # Chinese UTF-8 read as GBK, unrepairable tail
        "閫€娆句竴鐩存病鍒拌处",  # 退款一直没到账, UTF-8 read as GBK
        "退款�����没到账",
        "锟斤拷锟斤拷 payment failed",
        "烫烫烫烫烫烫",
    ],
)
def test_refuses_mojibake(text: str) -> None:
    assert RejectionCode.MOJIBAKE in [r.code for r in check_text(text)]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # garbled fill is no words, and a repaired text is counted as its author meant it ("浣犲ソ" is "你好")
        ("锟斤拷", [RejectionCode.MOJIBAKE, RejectionCode.TOO_SHORT]),
        ("烫烫烫", [RejectionCode.MOJIBAKE, RejectionCode.TOO_SHORT]),
        ("屯屯屯屯屯屯", [RejectionCode.MOJIBAKE, RejectionCode.TOO_SHORT]),
        ("浣犲ソ", [RejectionCode.MOJIBAKE, RejectionCode.TOO_SHORT]),
        ("閫€娆句竴鐩存病鍒拌处", [RejectionCode.MOJIBAKE]),
        ("退款�����没到账", [RejectionCode.MOJIBAKE]),
        ("锟斤拷锟斤拷 payment failed", [RejectionCode.MOJIBAKE]),
    ],
)
def test_garbled_text_is_also_too_short_when_what_was_meant_is(text: str, codes: list[RejectionCode]) -> None:
    assert [r.code for r in check_text(text)] == codes


def test_mojibake_message_suggests_the_repair() -> None:
    (rejection,) = check_text("la livraison est arrivÃ©e cassÃ©e")
    assert rejection.code == RejectionCode.MOJIBAKE
    assert "la livraison est arrivée cassée" in rejection.message


@pytest.mark.parametrize(
    "text",
    [
        "payment failed\x00 twice",
        "refund \x1b[31mmissing\x1b[0m again",
        "login\x07 fails every day",
        "invoice is wrong\u202e gnirts",
        "delivery late\x0b again and again",
    ],
)
def test_refuses_control_characters(text: str) -> None:
    rejections = check_text(text)
    assert [r.code for r in rejections] == [RejectionCode.CONTROL_CHARS]
    assert "U+" in rejections[0].message


def test_refuses_over_the_cap_and_says_by_how_much() -> None:
    text = "delivery late again " * 150
    (rejection,) = check_text(text, max_chars=1000)
    assert rejection.code == RejectionCode.TOO_LONG
    assert "2,999" in rejection.message
    assert "1,000" in rejection.message
    assert check_text(text, max_chars=5000) == []


def test_huge_input_reports_only_too_long() -> None:
    assert [r.code for r in check_text("\x00" + "x" * 30_000, max_chars=2000)] == [RejectionCode.TOO_LONG]


def test_reports_every_problem() -> None:
    codes = {r.code for r in check_text("ok\x07", min_words=2)}
    assert codes == {RejectionCode.CONTROL_CHARS, RejectionCode.TOO_SHORT}


def test_min_words_is_configurable() -> None:
    assert check_text("app crashes", min_words=3)[0].code == RejectionCode.TOO_SHORT
    assert check_text("crashes", min_words=1) == []


def test_messages_are_short_sentences() -> None:
    for text in ["", "ok", "[图片]", "a\x00b c d", "mÃ¼ller mÃ¼ller", "x " * 3000]:
        for rejection in check_text(text):
            assert rejection.message[0].isupper()
            assert len(rejection.message) < 200


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("card payment declined twice", 4),
        ("退款一直没到账", 4),  # 退款 一直 没到 账
        ("退款慢", 2),
        ("卡被吞", 2),  # 被 marks the passive
        ("闪退", 1),
        ("好", 1),
        ("好好好", 1),
        ("好的呢", 1),
        ("哈哈哈哈", 0),
        ("嗯嗯 呵呵", 0),
        ("谢谢你", 1),
        ("扣费两次", 2),
        ("APP闪退", 2),
        ("SSO 登录失败", 3),
        ("注文が届かない", 4),  # 注文 届, and ½ for each of が か な い
        ("don't e-mail me", 3),
        ("OK ok Ok", 1),
        ("error 500", 2),
        ("12345 678", 0),
    ],
)
def test_count_words(text: str, words: float) -> None:
    assert count_words(text) == words


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("  card   payment\tdeclined  ", "card payment declined"),
        ("line one  \r\n\r\n\r\n\r\n  line two", "line one\n\nline two"),
        ("\ufeffrefund\u200b missing", "refund missing"),
        ("cafe\u0301 au lait", "café au lait"),  # NFD to NFC
        ("退款　一直没到账", "退款 一直没到账"),  # ideographic space
    ],
)
def test_normalize_text(raw: str, stored: str) -> None:
    assert normalize_text(raw) == stored


def test_accepts_every_pain_point_of_the_labelled_set() -> None:
    # 332 realistic complaints in English, Chinese and both: a broad guard against false refusals.
    path = Path(__file__).parents[2] / "data" / "painpoints_labelled.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]
    refused = {text: check_text(text) for text in texts if check_text(text)}
    assert refused == {}


def test_loads_jieba_once_and_quietly_when_the_first_texts_arrive_together(
    caplog: pytest.LogCaptureFixture,
) -> None:
    painpoint_quality._load_segmenter.cache_clear()
    counts: list[float] = []
    threads = [threading.Thread(target=lambda: counts.append(count_words("退款慢"))) for _ in range(4)]
    with caplog.at_level(logging.DEBUG):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert counts == [2, 2, 2, 2]
    assert painpoint_quality._load_segmenter.cache_info().misses == 1
    assert caplog.records == []  # jieba's "Building prefix dict ..." lines


def test_counts_the_same_after_clustering_added_its_words_to_jieba() -> None:
    tokenize("单点登录")  # clustering teaches jieba's shared dictionary that this is one word
    assert count_words("单点登录") == 2
