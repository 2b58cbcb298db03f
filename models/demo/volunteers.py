"""Volunteers with their stations, skills, languages and weekly availability."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from models.demo.common import (
    ALL_SLOTS,
    Ids,
    Point,
    Row,
    Weighted,
    chance,
    gender,
    near,
    weighted_sample,
)
from models.demo.geography import Geography, StationInfo
from models.demo.identifiers import unique_mobile
from models.demo.vocab import person_name
from models.enums import DayPart, Gender, Skill, StationKind

# Where volunteers serve: most in their community's station.
_KIND_SHARE = Weighted(
    [
        StationKind.COMMUNITY,
        StationKind.BUSINESS_BUILDING,
        StationKind.SOCIAL_WORK_AGENCY,
        StationKind.ENTERPRISE,
    ],
    [0.70, 0.15, 0.05, 0.10],
)
# Community volunteers are often retired; the rest are of working or school age.
_COMMUNITY_AGE_BRACKETS = Weighted([(1950, 1965), (1966, 1995), (1996, 2008)], [45, 35, 20])
_CAPACITY = Weighted([1, 2, 3], [80, 15, 5])
_SKILL_COUNT = Weighted([1, 2, 3], [45, 35, 20])
_SKILLS = list(Skill)
_SKILL_WEIGHT = {
    Skill.MEDICAL: 0.6,
    Skill.PSYCHOLOGICAL_COUNSELLING: 0.5,
    Skill.TUTORING: 1.0,
    Skill.HOUSEWORK: 1.2,
    Skill.LEGAL: 0.4,
    Skill.IT: 0.8,
    Skill.ERRANDS: 1.5,
    Skill.COMPANIONSHIP: 2.0,
}
WORKPLACE_SHARE = 0.25
"""Share of business-building and enterprise volunteers whose workplace is their station."""
SECOND_STATION_SHARE = 0.3


@dataclass(frozen=True)
class VolunteerInfo:
    """What pairing needs to know about a volunteer."""

    id: int
    home: Point
    gender: Gender
    capacity: int
    active: bool
    slots: frozenset[tuple[int, DayPart]] = frozenset()
    """Weekly availability."""


def build_volunteers(
    rng: random.Random, ids: Ids, stamp: Row, geo: Geography, count: int
) -> tuple[dict[str, list[Row]], list[VolunteerInfo]]:
    """``count`` volunteers living near their stations, with unique mobile numbers."""
    by_kind = {kind: geo.stations_of(kind) for kind in StationKind}
    by_street: dict[int, list[StationInfo]] = {}
    for station in geo.stations:
        by_street.setdefault(station.street_index, []).append(station)
    community_stations = by_kind[StationKind.COMMUNITY]

    rows: dict[str, list[Row]] = {
        "volunteer": [],
        "volunteer_station": [],
        "volunteer_skill": [],
        "volunteer_language": [],
        "volunteer_availability": [],
    }
    infos: list[VolunteerInfo] = []
    phones: set[str] = set()
    for _ in range(count):
        kind = _KIND_SHARE.draw(rng)
        station = rng.choice(by_kind[kind])
        sex = gender(rng, 0.6)
        if kind is StationKind.COMMUNITY:
            low, high = _COMMUNITY_AGE_BRACKETS.draw(rng)
            birth_year = rng.randint(low, high)
        else:
            birth_year = rng.randint(1968, 2004)
        work: Point | None = None
        if kind in (StationKind.BUSINESS_BUILDING, StationKind.ENTERPRISE) and chance(
            rng, WORKPLACE_SHARE
        ):
            # Office workers volunteer where they work and live elsewhere in the district.
            work = station.point
            home = near(rng, rng.choice(community_stations).point, 500)
        else:
            home = near(rng, station.point, 500)
        volunteer_id = ids.next("volunteer")
        capacity = _CAPACITY.draw(rng)
        active = chance(rng, 0.95)
        rows["volunteer"].append(
            {
                **stamp,
                "id": volunteer_id,
                "version": 1,
                "name": person_name(rng, sex, birth_year),
                "gender": sex,
                "birth_year": birth_year,
                "phone": unique_mobile(rng, phones),
                "home_latitude": home.latitude,
                "home_longitude": home.longitude,
                "work_latitude": work.latitude if work else None,
                "work_longitude": work.longitude if work else None,
                "capacity": capacity,
                "vetted": chance(rng, 0.4),
                "active": active,
            }
        )
        info = VolunteerInfo(volunteer_id, home, sex, capacity, active)

        memberships = [station]
        others = [s for s in by_street[station.street_index] if s.id != station.id]
        if others and chance(rng, SECOND_STATION_SHARE):
            memberships.append(rng.choice(others))
        for member_of in memberships:
            rows["volunteer_station"].append(
                {
                    **stamp,
                    "id": ids.next("volunteer_station"),
                    "volunteer_id": volunteer_id,
                    "station_id": member_of.id,
                }
            )
        for skill in _skills(rng, birth_year):
            rows["volunteer_skill"].append(
                {
                    **stamp,
                    "id": ids.next("volunteer_skill"),
                    "volunteer_id": volunteer_id,
                    "skill": skill,
                }
            )
        for language in _languages(rng, birth_year):
            rows["volunteer_language"].append(
                {
                    **stamp,
                    "id": ids.next("volunteer_language"),
                    "volunteer_id": volunteer_id,
                    "language": language,
                }
            )
        availability = _availability(rng, birth_year)
        infos.append(replace(info, slots=frozenset(availability)))
        for weekday, part in availability:
            rows["volunteer_availability"].append(
                {
                    **stamp,
                    "id": ids.next("volunteer_availability"),
                    "volunteer_id": volunteer_id,
                    "weekday": weekday,
                    "day_part": part,
                }
            )
    return rows, infos


def _skills(rng: random.Random, birth_year: int) -> list[Skill]:
    weights = dict(_SKILL_WEIGHT)
    if birth_year >= 1990:  # students and young professionals tutor and fix computers
        weights[Skill.TUTORING] = 2.0
        weights[Skill.IT] = 1.6
    elif birth_year <= 1965:
        weights[Skill.TUTORING] = 0.6
        weights[Skill.IT] = 0.2
    return weighted_sample(rng, _SKILLS, [weights[s] for s in _SKILLS], _SKILL_COUNT.draw(rng))


def _languages(rng: random.Random, birth_year: int) -> list[str]:
    spoken: list[str] = []
    if chance(rng, 0.97):
        spoken.append("mandarin")
    if chance(rng, 0.45 if birth_year <= 1970 else 0.2):
        spoken.append("beijing_dialect")
    if chance(rng, 0.015):
        spoken.append("cantonese")
    if chance(rng, 0.15 if birth_year >= 1985 else 0.02):
        spoken.append("english")
    if chance(rng, 0.01):
        spoken.append("sign_language")
    return spoken or ["mandarin"]


def _availability(rng: random.Random, birth_year: int) -> list[tuple[int, DayPart]]:
    retired = birth_year <= 1966

    def weight(weekday: int, part: DayPart) -> float:
        weekend = weekday >= 5
        if retired:
            return 0.5 if part is DayPart.EVENING else (1.5 if weekend else 3.0)
        if weekend:
            return 1.0 if part is DayPart.EVENING else 3.0
        return 2.0 if part is DayPart.EVENING else 0.25

    weights = [weight(weekday, part) for weekday, part in ALL_SLOTS]
    return weighted_sample(rng, ALL_SLOTS, weights, rng.randint(2, 6))
