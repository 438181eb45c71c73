"""Masking personal data, rule by rule, in Chinese and English sentences, with near misses left alone."""

from __future__ import annotations

import pytest

from server.domain.materials.redaction import KINDS, mask


def _masks(text: str) -> list[tuple[str, str]]:
    masked = mask(text)
    return [(span.kind, masked.text[span.start : span.end]) for span in masked.spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("客户手机 13812345678，请回电。", [("phone", "138****5678")]),
        ("Call +86 138 1234 5678 after lunch.", [("phone", "+86 138 **** 5678")]),
        ("座机 010-12345678 转 8001", [("phone", "010-****5678 转 8001")]),
        ("深圳办 0755 8888 8888。", [("phone", "0755 **** 8888")]),
        ("London office +44 20 7946 0958.", [("phone", "+44 ** **** 0958")]),
        ("Ring +1 (415) 555-0100 today.", [("phone", "+1 (***) ***-0100")]),
        ("邮箱zhang.san@example.com联系", [("email", "z***@example.com")]),
        ("Mail li.wei@corp.example.cn please", [("email", "l***@corp.example.cn")]),
        ("身份证 11010519491231002X。", [("id_number", "110105********002X")]),
        ("旧证 110105491231002", [("id_number", "110105******002")]),
        ("卡号 6222 0212 3456 7890 128", [("bank_card", "**** **** **** ***0 128")]),
        ("护照号 E12345678", [("passport", "E********")]),
        ("passport no. K1234567 expired", [("passport", "K*******")]),
        ("地址：广东省深圳市南山区科技园路1号2栋301室", [("address", "广东省深圳市南山区***")]),
        ("Ship to 221B Baker Street now", [("address", "*** Street")]),
        (
            "HQ: 1600 Amphitheatre Parkway, Mountain View, CA 94043.",
            [("address", "*** Parkway, Mountain View, CA 94043")],
        ),
    ],
)
def test_each_kind_of_personal_data_is_masked_in_chinese_and_english(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert _masks(text) == expected
    assert {kind for kind, _ in expected} <= set(KINDS)


@pytest.mark.parametrize(
    "text",
    [
        "订单号 2024031512345678，日期 2024-03-15，价格 ¥12,800.00，零件 PN-4471-220，数量 13800",
        "Order 4111111111111112 failed; invoice INV-2024-0042 on 2024-03-15 for $1,234.56",
        "身份证 110105194912310021 的校验位不对",  # the check digit is wrong: not an ID number
        "卡号 4111-1111-1111-1112 未通过 Luhn 校验",  # fails Luhn: not a card
        "节拍 45 秒，良率 99.7%，版本 v3.2.1，型号 RX-1380",
    ],
)
def test_order_numbers_dates_prices_and_part_numbers_are_left_alone(text: str) -> None:
    masked = mask(text)
    assert (masked.text, masked.spans) == (text, ())


def test_spans_point_at_the_masks_and_masking_twice_changes_nothing() -> None:
    text = "张三 13812345678 / zhang.san@example.com / 身份证 11010519491231002X / 4111 1111 1111 1111"
    once = mask(text)
    assert [span.kind for span in once.spans] == ["phone", "email", "id_number", "bank_card"]
    assert all("*" in once.text[span.start : span.end] for span in once.spans)
    for personal in ("13812345678", "zhang.san", "11010519491231002X", "4111 1111 1111 1111"):
        assert personal not in once.text
    assert mask(once.text).text == once.text
