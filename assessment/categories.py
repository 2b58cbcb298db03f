"""Which identity categories a member fits on a date, from the facts in their file.

A member may fit several (a 62-year-old man with a severe disability fits ``man_60_plus`` and
``severe_disability``); :func:`assessment.benefit.choose` then applies the one with the highest
coefficient. Derived from facts, so the file never disagrees with itself: a recorded category
(e.g. ``retiree`` or ``traditional_relief``, which no other fact shows) is added to the derived
ones, never replaces them. Someone who fits nothing is ``other``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ADULT_AGE = 18
WOMAN_AGE = 50
MAN_AGE = 60
SEVERE_GRADES = (1, 2)
"""Disability grades 1 and 2 count as severe (Chinese disability certificate), 3 and 4 as
moderate."""


@dataclass(frozen=True, kw_only=True)
class MemberFacts:
    """What a member's file says (values of ``models.enums`` for the strings)."""

    gender: str
    birth_date: dt.date
    disability_grade: int
    serious_illness: bool
    student: bool
    labour_capacity: str
    recorded_category: str | None = None


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day`` for someone born on ``birth``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def born_by(today: dt.date, years: int) -> dt.date:
    """The latest birth date of someone ``years`` old or older on ``today``."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February, and the year then was not a leap year
        return dt.date(today.year - years, 2, 28)


def member_categories(facts: MemberFacts, on: dt.date) -> frozenset[str]:
    """Every category the member fits on ``on`` (at least one)."""
    age = age_on(facts.birth_date, on)
    found: set[str] = set()
    if facts.recorded_category:
        found.add(facts.recorded_category)
    if facts.serious_illness:
        found.add("serious_illness")
    if facts.disability_grade in SEVERE_GRADES:
        found.add("severe_disability")
    elif facts.disability_grade:
        found.add("moderate_disability")
    if facts.student:
        found.add("student")
    if age < ADULT_AGE:
        found.add("minor")
    else:
        if facts.gender == "female" and age >= WOMAN_AGE:
            found.add("woman_50_plus")
        if facts.gender == "male" and age >= MAN_AGE:
            found.add("man_60_plus")
        if facts.labour_capacity == "none":
            found.add("lost_labour_capacity")
        elif not found:
            found.add("has_labour_capacity")
    return frozenset(found or {"other"})


SCHOOL_AGES = range(6, 18)


def member_counts(members: list[MemberFacts], on: dt.date) -> dict[str, int]:
    """The need-score indicators the member files give on ``on``: school-age children (6-17)
    not marked as students, and members with a serious illness or a severe disability."""
    return {
        "children_out_of_school": sum(
            1 for m in members if age_on(m.birth_date, on) in SCHOOL_AGES and not m.student
        ),
        "members_ill_or_disabled": sum(
            1 for m in members if m.serious_illness or m.disability_grade in SEVERE_GRADES
        ),
    }


def household_labour_capacity(capacities: list[str]) -> str:
    """The household's capacity for review scheduling: the most any member has."""
    for level in ("full", "partial"):
        if level in capacities:
            return level
    return "none"
