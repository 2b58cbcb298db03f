"""Synthetic personal identifiers: ID-card numbers that are valid (region 110101, Dongcheng;
the member's birth date and sex; a correct check digit) and mobile numbers, all made up.

Drawn from a random stream of their own, so adding or changing them leaves every other demo
value of a seed as it was.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from models.enums import Gender
from models.id_number import make_id_number

DONGCHENG = "110101"
"""The administrative division code of Dongcheng District, Beijing."""
ID_NUMBER_SHARE = 0.97
"""Members whose ID-card number is on file (a few files lack it)."""
ADULT_AGE = 16


def unique_mobile(rng: random.Random, taken: set[str]) -> str:
    """A mobile number (13x, 15x, 18x) not in ``taken``, which it joins."""
    while True:
        phone = f"1{rng.choice('358')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"
        if phone not in taken:
            taken.add(phone)
            return phone


@dataclass
class Identifiers:
    """Hands out distinct ID-card and phone numbers for household members."""

    rng: random.Random
    id_numbers: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)

    def id_number(self, birth_date: date, sex: Gender) -> str:
        """A distinct valid number; the sequence's last digit is odd for men, even for women."""
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if sex is Gender.MALE else 0)
            number = make_id_number(DONGCHENG, birth_date, sequence)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number

    def for_member(self, birth_date: date, sex: Gender, age: int) -> dict[str, str | None]:
        """A member's ``id_number`` and ``phone`` columns (either may be missing)."""
        number = self.id_number(birth_date, sex) if self.rng.random() < ID_NUMBER_SHARE else None
        phone_share = 0.0 if age < ADULT_AGE else (0.6 if age >= 80 else 0.85)
        phone = unique_mobile(self.rng, self.phones) if self.rng.random() < phone_share else None
        return {"id_number": number, "phone": phone}
