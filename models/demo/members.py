"""Who lives in a household: its members' ages, relations, labour capacity and category."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from models.demo.common import ELDER_AGES, OTHER_MAX_AGE, Weighted, chance, gender
from models.demo.vocab import SURNAMES
from models.enums import AssistanceStatus, Gender, IdentityCategory, LabourCapacity, Relation

NEEDY = (
    AssistanceStatus.DIBAO,
    AssistanceStatus.LOW_INCOME,
    AssistanceStatus.SPECIAL_HARDSHIP,
    AssistanceStatus.EDGE,
)
# Statuses whose members carry a policy-484 identity category (the edge group has none).
WITH_IDENTITY = frozenset(
    {AssistanceStatus.DIBAO, AssistanceStatus.LOW_INCOME, AssistanceStatus.SPECIAL_HARDSHIP}
)
# Household sizes: 7,491 dibao households hold 12,212 people (1.63 each); special-hardship
# support is almost always for one person (193 households, 195 people).
_SIZES: dict[AssistanceStatus, Weighted[int]] = {
    AssistanceStatus.DIBAO: Weighted([1, 2, 3, 4, 5], [55, 30, 12, 2, 1]),
    AssistanceStatus.LOW_INCOME: Weighted([1, 2, 3, 4, 5], [35, 35, 20, 7, 3]),
    AssistanceStatus.SPECIAL_HARDSHIP: Weighted([1, 2], [99, 1]),
    AssistanceStatus.EDGE: Weighted([1, 2, 3, 4, 5], [30, 35, 25, 7, 3]),
}
# Chance that a needy household is headed by someone aged 80+.
_ELDER_HEAD = {
    AssistanceStatus.DIBAO: 0.10,
    AssistanceStatus.LOW_INCOME: 0.12,
    AssistanceStatus.SPECIAL_HARDSHIP: 0.45,
    AssistanceStatus.EDGE: 0.15,
}
# Elders' ages thin out quickly after 81.
_ELDER_AGE = Weighted(
    list(range(ELDER_AGES[0], ELDER_AGES[1] + 1)),
    [math.exp(-(age - ELDER_AGES[0]) / 6) for age in range(ELDER_AGES[0], ELDER_AGES[1] + 1)],
)
# Households of elders outside the assistance system: alone, a couple of elders, with a younger
# spouse, or with a grown-up child. With these shares about 40% of elders live alone.
_ELDER_HOUSEHOLD = Weighted(["alone", "couple", "younger_spouse", "child"], [48, 14, 19, 19])


@dataclass(frozen=True)
class Member:
    sex: Gender
    age: int
    relation: Relation
    surname: str


def _fix_age(age: int) -> int:
    """Keep non-elders at most 78 and elders at least 81 (see REFERENCE_DATE)."""
    if age > OTHER_MAX_AGE:
        return min(max(age, ELDER_AGES[0]), ELDER_AGES[1])
    return max(age, 0)


def needy_members(rng: random.Random, status: AssistanceStatus) -> list[Member]:
    size = _SIZES[status].draw(rng)
    surname = SURNAMES.draw(rng)
    if chance(rng, _ELDER_HEAD[status]):
        head_age = _ELDER_AGE.draw(rng)
    else:
        youngest = 45 if status is AssistanceStatus.SPECIAL_HARDSHIP else 28
        head_age = rng.randint(youngest, OTHER_MAX_AGE)
    head_sex = gender(rng, 0.55)
    members = [Member(head_sex, head_age, Relation.HEAD, surname)]
    has_spouse = has_parent = False
    while len(members) < size:
        if not has_spouse and chance(rng, 0.5):
            has_spouse = True
            spouse_sex = Gender.MALE if head_sex is Gender.FEMALE else Gender.FEMALE
            age = _fix_age(head_age + rng.randint(-6, 6))
            members.append(Member(spouse_sex, age, Relation.SPOUSE, SURNAMES.draw(rng)))
        elif not has_parent and head_age <= 50 and chance(rng, 0.25):
            has_parent = True
            age = _fix_age(head_age + rng.randint(22, 34))
            members.append(Member(gender(rng, 0.6), age, Relation.PARENT, surname))
        elif head_age >= 62 and chance(rng, 0.4):
            age = rng.randint(0, min(20, head_age - 45))
            members.append(Member(gender(rng), age, Relation.GRANDCHILD, surname))
        else:
            # Parents are 20 to 38 years older than their children (and no child is unborn).
            age = _fix_age(min(head_age - rng.randint(20, min(38, head_age)), OTHER_MAX_AGE))
            members.append(Member(gender(rng), age, Relation.CHILD, surname))
    return members


def elder_members(rng: random.Random, *, couple_allowed: bool) -> list[Member]:
    kind = _ELDER_HOUSEHOLD.draw(rng)
    if kind == "couple" and not couple_allowed:
        kind = "alone"
    surname = SURNAMES.draw(rng)
    head_sex = gender(rng, 0.6)  # women live longer
    other_sex = Gender.MALE if head_sex is Gender.FEMALE else Gender.FEMALE
    head_age = _ELDER_AGE.draw(rng)
    members = [Member(head_sex, head_age, Relation.HEAD, surname)]
    if kind == "couple":
        age = _fix_age(max(ELDER_AGES[0], head_age + rng.randint(-4, 4)))
        members.append(Member(other_sex, age, Relation.SPOUSE, SURNAMES.draw(rng)))
    elif kind == "younger_spouse":
        members.append(
            Member(other_sex, rng.randint(70, OTHER_MAX_AGE), Relation.SPOUSE, SURNAMES.draw(rng))
        )
    elif kind == "child":
        members.append(Member(gender(rng), rng.randint(45, 65), Relation.CHILD, surname))
    return members


def labour_capacity(
    rng: random.Random, age: int, grade: int, ill: bool, student: bool
) -> LabourCapacity:
    if age < 16 or age >= 70 or grade in (1, 2):
        return LabourCapacity.NONE
    if student or grade in (3, 4) or age >= 60:
        return LabourCapacity.PARTIAL if chance(rng, 0.6) else LabourCapacity.NONE
    if ill:
        return LabourCapacity.PARTIAL if chance(rng, 0.5) else LabourCapacity.NONE
    return LabourCapacity.FULL if chance(rng, 0.85) else LabourCapacity.PARTIAL


def identity_category(
    rng: random.Random,
    member: Member,
    status: AssistanceStatus,
    grade: int,
    ill: bool,
    student: bool,
    capacity: LabourCapacity,
) -> IdentityCategory:
    """The policy-484 category that best fits; the most protective one wins, as in practice."""
    if ill:
        return IdentityCategory.SERIOUS_ILLNESS
    if grade in (1, 2):
        return IdentityCategory.SEVERE_DISABILITY
    if grade in (3, 4):
        return IdentityCategory.MODERATE_DISABILITY
    if status is AssistanceStatus.SPECIAL_HARDSHIP and chance(rng, 0.5):
        return IdentityCategory.TRADITIONAL_RELIEF
    if student:
        return IdentityCategory.STUDENT
    if member.age < 16:
        return IdentityCategory.MINOR
    if member.sex is Gender.FEMALE and member.age >= 50:
        return IdentityCategory.WOMAN_50_PLUS
    if member.sex is Gender.MALE and member.age >= 60:
        return IdentityCategory.MAN_60_PLUS if chance(rng, 0.8) else IdentityCategory.RETIREE
    if capacity is LabourCapacity.NONE:
        return IdentityCategory.LOST_LABOUR_CAPACITY
    return IdentityCategory.HAS_LABOUR_CAPACITY
