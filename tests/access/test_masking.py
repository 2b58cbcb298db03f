"""Masked identifiers: recognisable ends, never the whole value."""

from __future__ import annotations

import pytest

from access.masking import Identifier, mask, mask_id_number, mask_phone


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("110101199003071234", "1101**********1234"),
        ("11010119900307123X", "1101**********123X"),
        ("110101900307123", "110*********123"),  # a 15-digit first-generation number
        ("1234", "1**4"),
        ("", ""),
    ],
)
def test_id_numbers(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked
    assert mask(Identifier.ID_NUMBER, value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("01065123456", "010****3456"),  # a Beijing landline with its area code
        ("+8613812345678", "+86*******5678"),
        ("0106512345", "010*****45"),
        ("65123456", "65****56"),
        ("6512345", "6****45"),
        ("12345", "****5"),
        ("1234", "****"),
    ],
)
def test_phones(value: str, masked: str) -> None:
    assert mask_phone(value) == masked
    assert mask(Identifier.PHONE, value) == masked


@pytest.mark.parametrize("length", range(1, 21))
def test_at_most_half_is_ever_shown(length: int) -> None:
    value = "".join(str(i % 10) for i in range(length))
    for masked in (mask_phone(value), mask_id_number(value)):
        assert len(masked) == length
        shown = sum(ch != "*" for ch in masked)
        assert shown <= length // 2 or (length >= 11 and shown <= 8)
        assert masked != value
