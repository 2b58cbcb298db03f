"""Households, their members, assistance-status histories, and the elders among them."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from models.demo.common import (
    ALL_SLOTS,
    ELDER_AGES,
    OTHER_MAX_AGE,
    Ids,
    Point,
    Row,
    Weighted,
    birth_date_for_age,
    chance,
    days_before_reference,
    gender,
    near,
    weighted_sample,
)
from models.demo.geography import CommunityInfo, Geography
from models.demo.vocab import SURNAMES, person_name
from models.enums import (
    AssistanceStatus,
    CareNeed,
    DayPart,
    Gender,
    IdentityCategory,
    LabourCapacity,
    Relation,
    StatusChangeKind,
)

_NEEDY = (
    AssistanceStatus.DIBAO,
    AssistanceStatus.LOW_INCOME,
    AssistanceStatus.SPECIAL_HARDSHIP,
    AssistanceStatus.EDGE,
)
# Statuses whose members carry a policy-484 identity category (the edge group has none).
_WITH_IDENTITY = frozenset(
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
_CARE_NEEDS = list(CareNeed)
_CARE_NEED_WEIGHT = [3.0, 2.5, 1.5, 1.2, 0.8]  # in CareNeed order: visits, calls, errands, ...
_CARE_NEED_COUNT = Weighted([1, 2, 3], [40, 40, 20])
_VISIT_SLOT_COUNT = Weighted([0, 1, 2, 3, 4], [25, 20, 25, 20, 10])
_VISIT_SLOT_WEIGHT = [0.2 if part is DayPart.EVENING else 1.0 for _, part in ALL_SLOTS]
_DISABILITY_GRADE = Weighted([1, 2, 3, 4], [2, 3, 3, 2])

REASON_ENTERED = "demo: admitted after verification"
REASON_EXITED = "demo: income above the line at review"
REASON_RE_ENTERED = "demo: re-admitted after verification"
REASON_CHANGED = "demo: status changed at review"


@dataclass(frozen=True)
class ElderInfo:
    """What pairing needs to know about an elder."""

    id: int
    point: Point
    preferred_gender: Gender | None


@dataclass(frozen=True)
class Member:
    sex: Gender
    age: int
    relation: Relation
    surname: str


@dataclass
class _Builder:
    rng: random.Random
    ids: Ids
    stamp: Row
    rows: dict[str, list[Row]] = field(
        default_factory=lambda: {
            "household": [],
            "person": [],
            "household_status_change": [],
            "elder": [],
            "elder_language": [],
            "elder_care_need": [],
            "elder_visit_slot": [],
        }
    )
    elders: list[ElderInfo] = field(default_factory=list)

    def household(
        self,
        community: CommunityInfo,
        status: AssistanceStatus,
        members: list[Member],
        history: list[tuple[StatusChangeKind, AssistanceStatus | None, AssistanceStatus, date]],
    ) -> None:
        rng = self.rng
        household_id = self.ids.next("household")
        point = near(rng, community.point, 250)
        self.rows["household"].append(
            {
                **self.stamp,
                "id": household_id,
                "version": 1,
                "community_id": community.id,
                "address": _address(rng, community),
                "latitude": point.latitude,
                "longitude": point.longitude,
                "status": status,
                "active": True,
            }
        )
        for kind, from_status, to_status, effective_on in history:
            self.rows["household_status_change"].append(
                {
                    **self.stamp,
                    "id": self.ids.next("household_status_change"),
                    "household_id": household_id,
                    "kind": kind,
                    "from_status": from_status,
                    "to_status": to_status,
                    "effective_on": effective_on,
                    "reason": _REASONS[kind],
                }
            )
        for member in members:
            person_id = self._person(household_id, member, status, alone=len(members) == 1)
            if member.age >= ELDER_AGES[0]:
                self._elder(person_id, member, community, point)

    def _person(
        self, household_id: int, member: Member, status: AssistanceStatus, *, alone: bool
    ) -> int:
        rng = self.rng
        birth = birth_date_for_age(rng, member.age)
        needy = status is not AssistanceStatus.NONE
        elder = member.age >= ELDER_AGES[0]
        grade = _DISABILITY_GRADE.draw(rng) if chance(rng, 0.12 if needy else 0.05) else 0
        ill = chance(rng, 0.10 if needy else (0.15 if elder else 0.03))
        student = 6 <= member.age <= 18 or (19 <= member.age <= 22 and chance(rng, 0.6))
        capacity = _labour_capacity(rng, member.age, grade, ill, student)
        identity = (
            _identity(rng, member, status, grade, ill, student, capacity)
            if status in _WITH_IDENTITY
            else None
        )
        person_id = self.ids.next("person")
        self.rows["person"].append(
            {
                **self.stamp,
                "id": person_id,
                "version": 1,
                "household_id": household_id,
                "name": person_name(rng, member.sex, birth.year, member.surname),
                "gender": member.sex,
                "birth_date": birth,
                "relation": member.relation,
                "identity_category": identity,
                "disability_grade": grade,
                "serious_illness": ill,
                "labour_capacity": capacity,
                "student": student,
                "living_alone": alone,
                "active": True,
            }
        )
        return person_id

    def _elder(self, person_id: int, member: Member, community: CommunityInfo, home: Point) -> None:
        rng = self.rng
        elder_id = self.ids.next("elder")
        preferred: Gender | None = None
        if chance(rng, 0.2):
            # Those who state a preference mostly want someone of their own sex.
            other = Gender.MALE if member.sex is Gender.FEMALE else Gender.FEMALE
            preferred = member.sex if chance(rng, 0.8) else other
        self.rows["elder"].append(
            {
                **self.stamp,
                "id": elder_id,
                "version": 1,
                "person_id": person_id,
                "community_id": community.id,
                "latitude": home.latitude,
                "longitude": home.longitude,
                "preferred_volunteer_gender": preferred,
                "active": True,
            }
        )
        self.elders.append(ElderInfo(elder_id, home, preferred))
        for language in _elder_languages(rng):
            self.rows["elder_language"].append(
                {
                    **self.stamp,
                    "id": self.ids.next("elder_language"),
                    "elder_id": elder_id,
                    "language": language,
                }
            )
        for need in weighted_sample(
            rng, _CARE_NEEDS, _CARE_NEED_WEIGHT, _CARE_NEED_COUNT.draw(rng)
        ):
            self.rows["elder_care_need"].append(
                {
                    **self.stamp,
                    "id": self.ids.next("elder_care_need"),
                    "elder_id": elder_id,
                    "need": need,
                }
            )
        slots = weighted_sample(rng, ALL_SLOTS, _VISIT_SLOT_WEIGHT, _VISIT_SLOT_COUNT.draw(rng))
        for weekday, part in slots:
            self.rows["elder_visit_slot"].append(
                {
                    **self.stamp,
                    "id": self.ids.next("elder_visit_slot"),
                    "elder_id": elder_id,
                    "weekday": weekday,
                    "day_part": part,
                }
            )


_REASONS = {
    StatusChangeKind.ENTERED: REASON_ENTERED,
    StatusChangeKind.EXITED: REASON_EXITED,
    StatusChangeKind.RE_ENTERED: REASON_RE_ENTERED,
    StatusChangeKind.CHANGED: REASON_CHANGED,
}


def build_households(
    rng: random.Random,
    ids: Ids,
    stamp: Row,
    geo: Geography,
    needy: Mapping[AssistanceStatus, int],
    exited: int,
    elders: int,
) -> tuple[dict[str, list[Row]], list[ElderInfo]]:
    """Needy households of each status, ``exited`` former ones, then elders' own households.

    Households with status NONE are added for elders until there are exactly ``elders`` of them
    (some already live in needy households).
    """
    builder = _Builder(rng, ids, stamp)
    # Each community's share wobbles around its street's weight.
    where = Weighted(
        geo.communities, [c.street.elder_weight * rng.uniform(0.6, 1.4) for c in geo.communities]
    )
    for status in _NEEDY:
        for _ in range(needy.get(status, 0)):
            members = _needy_members(rng, status)
            builder.household(where.draw(rng), status, members, _history(rng, status))
    for _ in range(exited):
        before = rng.choice(_NEEDY)
        members = _needy_members(rng, before)
        entered = days_before_reference(rng, 400, 3000)
        left = entered + timedelta(days=rng.randint(180, 360))
        history = [
            (StatusChangeKind.ENTERED, None, before, entered),
            (StatusChangeKind.EXITED, before, AssistanceStatus.NONE, left),
        ]
        builder.household(where.draw(rng), AssistanceStatus.NONE, members, history)
    while len(builder.elders) < elders:
        members = _elder_members(rng, couple_allowed=elders - len(builder.elders) >= 2)
        builder.household(where.draw(rng), AssistanceStatus.NONE, members, [])
    return builder.rows, builder.elders


def _fix_age(age: int) -> int:
    """Keep non-elders at most 78 and elders at least 81 (see REFERENCE_DATE)."""
    if age > OTHER_MAX_AGE:
        return min(max(age, ELDER_AGES[0]), ELDER_AGES[1])
    return max(age, 0)


def _needy_members(rng: random.Random, status: AssistanceStatus) -> list[Member]:
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


def _elder_members(rng: random.Random, *, couple_allowed: bool) -> list[Member]:
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


def _history(
    rng: random.Random, status: AssistanceStatus
) -> list[tuple[StatusChangeKind, AssistanceStatus | None, AssistanceStatus, date]]:
    """A needy household's status history; the last change is to ``status``."""
    roll = rng.random()
    if roll < 0.05:
        # Out and back in: the proposal's point that households must be able to re-enter.
        first = rng.choice(_NEEDY)
        back_in = days_before_reference(rng, 30, 700)
        left = back_in - timedelta(days=rng.randint(90, 700))
        entered = left - timedelta(days=rng.randint(180, 1500))
        return [
            (StatusChangeKind.ENTERED, None, first, entered),
            (StatusChangeKind.EXITED, first, AssistanceStatus.NONE, left),
            (StatusChangeKind.RE_ENTERED, AssistanceStatus.NONE, status, back_in),
        ]
    if roll < 0.10:
        first = rng.choice([s for s in _NEEDY if s is not status])
        changed = days_before_reference(rng, 30, 900)
        entered = changed - timedelta(days=rng.randint(180, 1500))
        return [
            (StatusChangeKind.ENTERED, None, first, entered),
            (StatusChangeKind.CHANGED, first, status, changed),
        ]
    return [(StatusChangeKind.ENTERED, None, status, days_before_reference(rng, 60, 3650))]


def _labour_capacity(
    rng: random.Random, age: int, grade: int, ill: bool, student: bool
) -> LabourCapacity:
    if age < 16 or age >= 70 or grade in (1, 2):
        return LabourCapacity.NONE
    if student or grade in (3, 4) or age >= 60:
        return LabourCapacity.PARTIAL if chance(rng, 0.6) else LabourCapacity.NONE
    if ill:
        return LabourCapacity.PARTIAL if chance(rng, 0.5) else LabourCapacity.NONE
    return LabourCapacity.FULL if chance(rng, 0.85) else LabourCapacity.PARTIAL


def _identity(
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


def _elder_languages(rng: random.Random) -> list[str]:
    spoken: list[str] = []
    if chance(rng, 0.9):
        spoken.append("mandarin")
    if chance(rng, 0.55):
        spoken.append("beijing_dialect")
    if chance(rng, 0.01):
        spoken.append("cantonese")
    if chance(rng, 0.015):
        spoken.append("sign_language")
    return spoken or ["beijing_dialect"]


def _address(rng: random.Random, community: CommunityInfo) -> str:
    street = community.street
    if chance(rng, street.flats):
        estate = community.name.removesuffix("社区")
        floor, room = rng.randint(1, 18), rng.randint(1, 4)
        return (
            f"{street.name}{estate}小区{rng.randint(1, 30)}号楼"
            f"{rng.randint(1, 6)}单元{floor}{room:02d}室"
        )
    return f"{street.name}{rng.choice(community.hutongs)}{rng.randint(1, 120)}号"
