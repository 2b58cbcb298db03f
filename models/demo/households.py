"""Households, their members, assistance-status histories, and the elders among them."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from models.demo.common import (
    ALL_SLOTS,
    ELDER_AGES,
    Ids,
    Point,
    Row,
    Weighted,
    birth_date_for_age,
    chance,
    days_before_reference,
    near,
    weighted_sample,
)
from models.demo.geography import CommunityInfo, Geography
from models.demo.identifiers import Identifiers
from models.demo.members import (
    NEEDY,
    WITH_IDENTITY,
    Member,
    elder_members,
    identity_category,
    labour_capacity,
    needy_members,
)
from models.demo.vocab import person_name
from models.enums import (
    AssistanceStatus,
    CareNeed,
    DayPart,
    Gender,
    StatusChangeKind,
)

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
    slots: frozenset[tuple[int, DayPart]] = frozenset()
    """Wanted visit times (none: any time)."""


@dataclass
class _Builder:
    rng: random.Random
    ids: Ids
    stamp: Row
    identifiers: Identifiers
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
        capacity = labour_capacity(rng, member.age, grade, ill, student)
        identity = (
            identity_category(rng, member, status, grade, ill, student, capacity)
            if status in WITH_IDENTITY
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
                **self.identifiers.for_member(birth, member.sex, member.age),
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
        info = ElderInfo(elder_id, home, preferred)
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
        self.elders.append(replace(info, slots=frozenset(slots)))
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
    identifiers: Identifiers,
) -> tuple[dict[str, list[Row]], list[ElderInfo]]:
    """Needy households of each status, ``exited`` former ones, then elders' own households.

    Households with status NONE are added for elders until there are exactly ``elders`` of them
    (some already live in needy households). Members' ID-card and phone numbers come from
    ``identifiers`` (a random stream of its own).
    """
    builder = _Builder(rng, ids, stamp, identifiers)
    # Each community's share wobbles around its street's weight.
    where = Weighted(
        geo.communities, [c.street.elder_weight * rng.uniform(0.6, 1.4) for c in geo.communities]
    )
    for status in NEEDY:
        for _ in range(needy.get(status, 0)):
            members = needy_members(rng, status)
            builder.household(where.draw(rng), status, members, _history(rng, status))
    for _ in range(exited):
        before = rng.choice(NEEDY)
        members = needy_members(rng, before)
        entered = days_before_reference(rng, 400, 3000)
        left = entered + timedelta(days=rng.randint(180, 360))
        history = [
            (StatusChangeKind.ENTERED, None, before, entered),
            (StatusChangeKind.EXITED, before, AssistanceStatus.NONE, left),
        ]
        builder.household(where.draw(rng), AssistanceStatus.NONE, members, history)
    while len(builder.elders) < elders:
        members = elder_members(rng, couple_allowed=elders - len(builder.elders) >= 2)
        builder.household(where.draw(rng), AssistanceStatus.NONE, members, [])
    return builder.rows, builder.elders


def _history(
    rng: random.Random, status: AssistanceStatus
) -> list[tuple[StatusChangeKind, AssistanceStatus | None, AssistanceStatus, date]]:
    """A needy household's status history; the last change is to ``status``."""
    roll = rng.random()
    if roll < 0.05:
        # Out and back in: the proposal's point that households must be able to re-enter.
        first = rng.choice(NEEDY)
        back_in = days_before_reference(rng, 30, 700)
        left = back_in - timedelta(days=rng.randint(90, 700))
        entered = left - timedelta(days=rng.randint(180, 1500))
        return [
            (StatusChangeKind.ENTERED, None, first, entered),
            (StatusChangeKind.EXITED, first, AssistanceStatus.NONE, left),
            (StatusChangeKind.RE_ENTERED, AssistanceStatus.NONE, status, back_in),
        ]
    if roll < 0.10:
        first = rng.choice([s for s in NEEDY if s is not status])
        changed = days_before_reference(rng, 30, 900)
        entered = changed - timedelta(days=rng.randint(180, 1500))
        return [
            (StatusChangeKind.ENTERED, None, first, entered),
            (StatusChangeKind.CHANGED, first, status, changed),
        ]
    return [(StatusChangeKind.ENTERED, None, status, days_before_reference(rng, 60, 3650))]


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
