"""Pieces every part of the demo generator shares: the fixed date, the map, ids, names."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import Any, Generic, TypeVar

from models.enums import DayPart, Gender

T = TypeVar("T")

Row = dict[str, Any]
"""One row for a Core ``INSERT``: column name to value."""

REFERENCE_DATE = date(2026, 1, 1)
"""Ages and past dates are counted back from this day, never from the clock, so one seed always
gives the same rows. Elders are at least 81 on this day, so they stay 80+ whenever the data is
loaded later; everyone else is at most 78, so nobody drifts into the 80+ group unregistered."""

ELDER_AGES = (81, 102)
OTHER_MAX_AGE = 78

# Dongcheng's bounding box (from the brief); every generated point is kept inside it.
LAT_MIN, LAT_MAX = 39.86, 39.96
LON_MIN, LON_MAX = 116.38, 116.45
_EDGE = 0.0005  # keep points a few tens of metres inside the box, clear of the bounds

_EARTH_RADIUS_M = 6_371_000.0
_METRES_PER_DEGREE = math.pi * _EARTH_RADIUS_M / 180.0

ALL_SLOTS: tuple[tuple[int, DayPart], ...] = tuple(
    (weekday, part) for weekday in range(7) for part in DayPart
)
"""Every weekly slot (weekday 0 = Monday), in a fixed order."""


@dataclass(frozen=True, slots=True)
class Point:
    latitude: float
    longitude: float


def clamp(point: Point) -> Point:
    """The point moved, if need be, just inside the district's bounding box."""
    return Point(
        round(min(max(point.latitude, LAT_MIN + _EDGE), LAT_MAX - _EDGE), 6),
        round(min(max(point.longitude, LON_MIN + _EDGE), LON_MAX - _EDGE), 6),
    )


def near(rng: random.Random, centre: Point, spread_m: float) -> Point:
    """A point scattered around ``centre`` (normal, ``spread_m`` metres standard deviation)."""
    dlat = rng.gauss(0.0, spread_m) / _METRES_PER_DEGREE
    dlon = rng.gauss(0.0, spread_m) / (_METRES_PER_DEGREE * math.cos(math.radians(centre.latitude)))
    return clamp(Point(centre.latitude + dlat, centre.longitude + dlon))


def distance_m(a: Point, b: Point) -> float:
    """Great-circle (haversine) distance in metres."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(math.sqrt(h))


def metres_to_degrees(metres: float, latitude: float) -> tuple[float, float]:
    """How many degrees of latitude and of longitude ``metres`` spans near ``latitude``."""
    return (
        metres / _METRES_PER_DEGREE,
        metres / (_METRES_PER_DEGREE * math.cos(math.radians(latitude))),
    )


def birth_date_for_age(rng: random.Random, age: int) -> date:
    """A birth date making someone exactly ``age`` years old on :data:`REFERENCE_DATE`."""
    latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
    # Up to 364 days before the latest birthday keeps the age at exactly ``age`` (also across
    # leap years, since a year back is at least 365 days).
    return latest - timedelta(days=rng.randint(0, 364))


def days_before_reference(rng: random.Random, low: int, high: int) -> date:
    """A day between ``high`` and ``low`` days before :data:`REFERENCE_DATE` (so in the past)."""
    return REFERENCE_DATE - timedelta(days=rng.randint(low, high))


def chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def gender(rng: random.Random, female_share: float = 0.5) -> Gender:
    return Gender.FEMALE if rng.random() < female_share else Gender.MALE


class Weighted(Generic[T]):
    """Repeated weighted draws from a fixed list (cumulative weights computed once)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if len(items) != len(weights) or not items:
            raise ValueError("items and weights must be non-empty and of equal length")
        self.items = list(items)
        self._cumulative = list(accumulate(weights))

    def draw(self, rng: random.Random) -> T:
        """One item, with probability proportional to its weight."""
        index = bisect_right(self._cumulative, rng.random() * self._cumulative[-1])
        return self.items[min(index, len(self.items) - 1)]


def weighted_sample(
    rng: random.Random, items: Sequence[T], weights: Sequence[float], k: int
) -> list[T]:
    """``k`` distinct items drawn with probability growing with weight, in the items' order.

    Efraimidis-Spirakis keys (u ** (1/w)): one random number per item, no rejection loop.
    """
    keys = [rng.random() ** (1.0 / w) for w in weights]
    chosen = sorted(range(len(items)), key=lambda i: keys[i], reverse=True)[:k]
    return [items[i] for i in sorted(chosen)]


class Ids:
    """Integer ids handed out per table, so inserts need no ``RETURNING`` round trips."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def next(self, table: str) -> int:
        value = self._last.get(table, 0) + 1
        self._last[table] = value
        return value
