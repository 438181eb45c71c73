import pytest

from server.domain.materials.redaction import KINDS, Masked, mask
from tests.domain.materials.samples import CARD, EMAIL, ID_NUMBER, PHONE


def masks(text: str) -> list[tuple[str, str]]:
    """The (kind, masked form) of every span, read out of the masked text."""
    masked = mask(text)
    return [(span.kind, masked.text[span.start : span.end]) for span in masked.spans]


# (text, the masked text, the masked forms) — each rule in Chinese and English sentences.
POSITIVES = [
    # mainland mobiles, with and without country code, spaces and dashes
    (f"请联系张三{PHONE}确认", "请联系张三138****5678确认", [("phone", "138****5678")]),
    ("手机：+86 139-1234-5678。", "手机：+86 139-****-5678。", [("phone", "+86 139-****-5678")]),
    ("Call 0086 150 1234 5678 today", "Call 0086 150 **** 5678 today", [("phone", "0086 150 **** 5678")]),
    ("Mobile: +8618612345678.", "Mobile: +86186****5678.", [("phone", "+86186****5678")]),
    # mainland landlines, with parentheses and extensions
    ("座机010-12345678转801", "座机010-****5678转801", [("phone", "010-****5678转801")]),
    ("电话 0755 8888 8888", "电话 0755 **** 8888", [("phone", "0755 **** 8888")]),
    (
        "Office (021) 6123 4567 ext. 12",
        "Office (021) **** 4567 ext. 12",
        [("phone", "(021) **** 4567 ext. 12")],
    ),
    # full-width parentheses are read (and written) as ASCII ones
    ("传真（0571）87654321", "传真(0571)****4321", [("phone", "(0571)****4321")]),
    # international numbers in E.164 style
    ("London office +44 20 7946 0958.", "London office +44 ** **** 0958.", [("phone", "+44 ** **** 0958")]),
    ("(tel +1 (415) 555-0100)", "(tel +1 (***) ***-0100)", [("phone", "+1 (***) ***-0100")]),
    ("美国总部电话+1 415 555 0100", "美国总部电话+1 *** *** 0100", [("phone", "+1 *** *** 0100")]),
    # e-mail addresses, also with Chinese right around them
    (f"邮箱{EMAIL}联系", "邮箱z***@example.com联系", [("email", "z***@example.com")]),
    (
        "Write to Li.Si+rfq@mail.example.co.uk.",
        "Write to L***@mail.example.co.uk.",
        [("email", "L***@mail.example.co.uk")],
    ),
    # resident ID numbers: 18 characters (also with X, with spaces), and the old 15-digit form
    (f"身份证号{ID_NUMBER}。", "身份证号110101********1233。", [("id_number", "110101********1233")]),
    ("ID 11010519491231002X on file", "ID 110105********002X on file", [("id_number", "110105********002X")]),
    ("证件 440305 19851231 0018", "证件 440305 ******** 0018", [("id_number", "440305 ******** 0018")]),
    ("旧身份证110101900307123", "旧身份证110101******123", [("id_number", "110101******123")]),
    # bank cards that pass Luhn, grouped or not
    (
        "Visa 4111 1111 1111 1111 exp 12/29",
        "Visa **** **** **** 1111 exp 12/29",
        [("bank_card", "**** **** **** 1111")],
    ),
    ("工行卡6222021234567890128", "工行卡***************0128", [("bank_card", "***************0128")]),
    ("Amex 3782-822463-10005", "Amex ****-******-*0005", [("bank_card", "****-******-*0005")]),
    # passports: PRC numbers as they are, any number after a label
    ("护照号：G12345678", "护照号：G********", [("passport", "G********")]),
    ("护照EA1234567已过期", "护照E********已过期", [("passport", "E********")]),
    ("Passport No. K1234567 (UK)", "Passport No. K******* (UK)", [("passport", "K*******")]),
    ("my passport number is 987654321", "my passport number is 9********", [("passport", "9********")]),
    # street addresses
    (
        "地址：广东省深圳市南山区科技南十二路2号金蝶软件园A座501室，请寄到这里",
        "地址：广东省深圳市南山区***，请寄到这里",
        [("address", "广东省深圳市南山区***")],
    ),
    ("寄到上海市徐汇区漕溪北路88弄5号1201室。", "寄到上海市徐汇区***。", [("address", "上海市徐汇区***")]),
    ("我住在北京市海淀区中关村大街27号", "我住在北京市海淀区***", [("address", "北京市海淀区***")]),
    ("公司位于南京东路100号附近", "公司位于***附近", [("address", "***")]),
    (
        "He lives at 221B Baker Street, London.",
        "He lives at *** Street, London.",
        [("address", "*** Street")],
    ),
    (
        "HQ: 1600 Amphitheatre Parkway, Mountain View, CA 94043.",
        "HQ: *** Parkway, Mountain View, CA 94043.",
        [("address", "*** Parkway, Mountain View, CA 94043")],
    ),
    (
        "Ship to 42 Wallaby Way, Apt 3B, Sydney Harbour, NS 20001",
        "Ship to *** Way, Apt ***, Sydney Harbour, NS 20001",
        [("address", "*** Way, Apt ***, Sydney Harbour, NS 20001")],
    ),
]


@pytest.mark.parametrize(("text", "expected", "forms"), POSITIVES)
def test_masks_personal_data(text, expected, forms):
    masked = mask(text)
    assert masked.text == expected
    assert masks(text) == forms


def test_a_grouped_card_keeps_its_last_four_digits_and_its_grouping():
    assert masks(f"卡号：{CARD}") == [("bank_card", "**** **** **** ***0 128")]


# Near misses: numbers and words that look like personal data but are not.
NEGATIVES = [
    "订单号 2023101512345678，共 3 台，交期 2024-03-15",
    "Order SO13812345678 shipped on 2023-10-15 at 10:30-11:45",
    "单价 ¥13,812.00，总价 ¥1,381,234.50，汇率 7.1234",
    "Price $13812345678.00 is a typo",
    "料号 AB-1234-5678，型号 X200-13812345678-B",
    "Part no. 4400-2231-998, drawing rev 3, 版本 v2.13.8",
    "标准 GB/T 11643-1999 规定了身份证号码",
    "批次 110101199003071234 的校验位不对",  # 18 digits that fail the ID check digit and Luhn
    "卡号 4111 1111 1111 1112 校验失败",  # 16 digits failing Luhn
    "流水号 2024031512345678901",  # 19 digits, not a card prefix
    "时间戳 1698765432123 毫秒",
    "passport office is closed; 护照办理需要 15 个工作日",
    "E1234567 is a seven-digit error code, G123456789 has nine",
    "你知道3号开会吗？订单10月3号发货，这个思路3号再说",
    "Order 500 Hard Drive units and 3 Street Fighter games",
    "Room 12 on the second floor, page 221 of the manual",
    "+5 points for the team, score +12.50",
    "Email me at the usual address @ 3 pm",
    "the part number 0123-4567-8901 is discontinued",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_leaves_near_misses_alone(text):
    assert mask(text) == Masked(text, ())


def test_spans_point_into_the_masked_text_in_order_with_stable_kinds():
    text = (
        f"客户张三，手机{PHONE}，邮箱{EMAIL}，身份证{ID_NUMBER}，卡号{CARD}，护照G12345678，"
        "地址广东省深圳市南山区科技路1号; also +44 20 7946 0958 and 221B Baker Street."
    )
    masked = mask(text)
    assert [span.kind for span in masked.spans] == [
        "phone",
        "email",
        "id_number",
        "bank_card",
        "passport",
        "address",
        "phone",
        "address",
    ]
    assert set(KINDS) == {"phone", "email", "id_number", "bank_card", "passport", "address"}
    for before, after in zip(masked.spans, masked.spans[1:], strict=False):
        assert before.end <= after.start
    for span in masked.spans:
        assert "*" in masked.text[span.start : span.end]
    for secret in (PHONE, EMAIL, ID_NUMBER, CARD, "G12345678", "科技路1号", "7946", "Baker"):
        assert secret not in masked.text


def test_masking_is_idempotent():
    text = " ".join(case[0] for case in POSITIVES) + " " + " ".join(NEGATIVES)
    once = mask(text)
    twice = mask(once.text)
    assert twice.text == once.text
    assert len(once.spans) >= len(POSITIVES)


def test_overlaps_go_to_the_longest_then_the_most_specific():
    # An e-mail whose local part is a mobile number: the longer e-mail wins.
    assert masks(f"{PHONE}@163.com") == [("email", "1***@163.com")]
    # "+86 138..." is a mainland mobile and an international number: the mainland rule keeps 3 digits.
    assert masks("+86 138 1234 5678") == [("phone", "+86 138 **** 5678")]
    # A phone inside a Chinese address is part of neither: both are masked on their own.
    assert masks(f"上海市黄浦区南京东路100号，电话{PHONE}") == [
        ("address", "上海市黄浦区***"),
        ("phone", "138****5678"),
    ]


def test_full_width_digits_and_signs_are_read_as_ascii():
    assert mask("手机：＋８６　１３８１２３４５６７８。").text == "手机：+86 138****5678。"
    assert masks("卡号４１１１１１１１１１１１１１１１") == [("bank_card", "************1111")]


def test_empty_and_plain_text():
    assert mask("") == Masked("", ())
    assert mask("客户很满意 the customer is happy") == Masked("客户很满意 the customer is happy", ())
