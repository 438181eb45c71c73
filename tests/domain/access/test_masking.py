"""Masked customer names keep a first letter and, for English names, the later words; a keyword naming a
masked customer is found."""

import pytest

from server.domain.access.masking import mask_cut_name, mask_name, names_customer


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Acme Retail", "A*** Retail"),
        ("Contoso", "C***"),
        ("  Big  Box  Stores ", "B*** Box Stores"),
        ("阿里零售", "阿***"),
        ("阿里巴巴集团", "阿***集团"),
        ("华为", "华***"),
        ("", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("term", "names"),
    [
        ("阿里零售", True),
        ("阿里", True),  # a piece of the name, as jieba cuts it
        ("零售", True),
        ("阿里零售门店", True),
        ("acme", True),
        ("ACME retail", True),
        ("Retail", True),
        ("阿", False),  # one character says nothing
        ("结账", False),
        ("checkout", False),
        ("", False),
    ],
)
def test_a_keyword_names_a_customer_when_it_is_or_holds_a_piece_of_its_name(term: str, names: bool) -> None:
    assert names_customer(term, ["阿里零售", "Acme Retail"]) is names


@pytest.mark.parametrize(
    ("text", "customer", "masked"),
    [
        ("里零售反馈退款慢", "阿里零售", "***反馈退款慢"),  # a quote starting inside the name
        ("请联系阿里", "阿里零售", "请联系阿***"),  # and one ending inside it
        ("售后反馈", "阿里零售", "售后反馈"),  # one character says nothing
        ("阿*** 的王经理", "阿里零售", "阿*** 的王经理"),  # whole names are mask_line's
        ("cme Retail asks for a discount", "Acme Retail", "*** asks for a discount"),
        ("we called Acme", "Acme Retail", "we called A***"),
        ("we are", "Retail Co", "we are"),  # "re" is no piece of a name
        ("tailored plan", "Acme Retail", "tailored plan"),  # nor is a word that only starts like one
    ],
)
def test_a_quote_cut_through_the_customer_s_name_keeps_no_piece_of_it(
    text: str, customer: str, masked: str
) -> None:
    assert mask_cut_name(text, customer) == masked
