"""Resident ID-card numbers (GB 11643-1999): normalisation, check digit, birth date, sex."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.id_number import InvalidIdNumber, check_character, make_id_number, parse_id_number
from models.validation import Invalid, id_number

STANDARD_EXAMPLE = "11010519491231002X"
"""The example in the standard itself: a woman born on 31 December 1949 in Beijing."""


def test_the_standards_example() -> None:
    parsed = parse_id_number(STANDARD_EXAMPLE)
    assert parsed.value == STANDARD_EXAMPLE
    assert parsed.birth_date == date(1949, 12, 31)
    assert not parsed.male


@pytest.mark.parametrize(
    "written",
    ["11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２ｘ"],
)
def test_spaces_full_width_characters_and_a_lower_case_x_are_normalised(written: str) -> None:
    assert id_number(written) == STANDARD_EXAMPLE


def test_made_numbers_are_valid_and_say_birth_date_and_sex() -> None:
    number = make_id_number("110101", date(1990, 3, 7), 123)
    assert number == "110101199003071233"
    parsed = parse_id_number(number)
    assert (parsed.birth_date, parsed.male) == (date(1990, 3, 7), True)
    assert not parse_id_number(make_id_number("110101", date(1990, 3, 7), 124)).male


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("110105194912310021", "check digit does not match"),
        ("11010519491231002", "18-character"),
        ("11010519491231002X1", "18-character"),
        ("1101051949123100XX", "18-character"),
        ("11010519491331002X", "birth date"),
        ("11010519490229002X", "birth date"),  # 1949 was not a leap year
        ("", "18-character"),
    ],
)
def test_invalid_numbers_are_refused_without_repeating_them(value: str, reason: str) -> None:
    with pytest.raises(InvalidIdNumber, match=reason) as refused:
        parse_id_number(value)
    assert value[:12] not in str(refused.value) or not value
    with pytest.raises(Invalid) as rule:
        id_number(value)
    assert (value[:12] not in str(rule.value)) or not value


@given(body=st.text(alphabet="0123456789", min_size=17, max_size=17), position=st.integers(0, 16))
def test_any_single_mistyped_digit_is_caught(body: str, position: int) -> None:
    number = body + check_character(body)
    wrong = str((int(body[position]) + 1) % 10)
    typo = body[:position] + wrong + body[position + 1 :] + number[-1]
    assert check_character(typo[:17]) != typo[-1]
