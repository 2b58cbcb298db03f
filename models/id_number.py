"""Resident ID-card numbers (居民身份证号码, GB 11643-1999): 18 characters.

Digits 1-6 are the region of first registration, 7-14 the birth date (YYYYMMDD), 15-17 a
sequence number (odd for men, even for women) and the 18th a check character: ISO 7064
MOD 11-2 over the first 17 digits, ``X`` standing for 10.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

LENGTH = 18
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


class InvalidIdNumber(ValueError):
    """Not a valid ID-card number; the message says why, never repeating the number."""


@dataclass(frozen=True, slots=True)
class IdNumber:
    value: str
    """Normalised: 18 characters, digits and an upper-case ``X`` as the check character."""
    birth_date: date
    male: bool


def check_character(first17: str) -> str:
    """The check character (``0``-``9`` or ``X``) for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def parse_id_number(text: str) -> IdNumber:
    """The normalised number with its birth date and sex; :class:`InvalidIdNumber` otherwise.

    Spaces are dropped, full-width characters read as ASCII, and a lower-case ``x`` upper-cased.
    """
    value = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    body, check = value[:-1], value[-1:]
    if len(value) != LENGTH or not body.isascii() or not body.isdigit() or check not in _CHECK:
        raise InvalidIdNumber(
            "must be an 18-character resident ID number: 17 digits and a check digit (0-9 or X)"
        )
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdNumber(
            "characters 7-14 must be a birth date (YYYYMMDD); check the number"
        ) from None
    if check_character(body) != check:
        raise InvalidIdNumber(
            "the check digit does not match the other 17 digits: a digit is probably mistyped"
        )
    return IdNumber(value=value, birth_date=birth, male=int(value[16]) % 2 == 1)


def make_id_number(region: str, birth_date: date, sequence: int) -> str:
    """A valid number for ``region`` (6 digits), a birth date and a sequence number (0-999)."""
    if len(region) != 6 or not region.isdigit() or not 0 <= sequence <= 999:
        raise ValueError("region must be 6 digits and sequence 0-999")
    body = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return body + check_character(body)
