"""Masked customer names keep a first letter and, for English names, the later words."""

import pytest

from server.domain.access.masking import mask_name


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
