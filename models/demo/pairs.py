"""Standing pairs (结对) of a nearby volunteer with an elder, within volunteers' capacity."""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from itertools import accumulate

from models.demo.common import (
    LAT_MIN,
    LON_MIN,
    Ids,
    Point,
    Row,
    days_before_reference,
    distance_m,
    metres_to_degrees,
)
from models.demo.households import ElderInfo
from models.demo.volunteers import VolunteerInfo
from models.enums import PairStatus

PAIR_RADIUS_M = 1500.0
"""A volunteer is paired only with an elder this close to home (straight line)."""
ENDED_SHARE = 0.04
"""Share of elders with an earlier pair that has ended (history for the ENDED status)."""
_SAMPLE = 24  # candidates looked at per elder before falling back to a full scan of the cells
END_REASONS = (
    "demo: volunteer moved away",
    "demo: volunteer's schedule changed",
    "demo: elder moved in with family",
)


class _Grid:
    """Volunteers bucketed by cells one radius wide: all within the radius are in 3x3 cells."""

    def __init__(self, volunteers: Iterable[int], homes: list[Point]) -> None:
        self._dlat, self._dlon = metres_to_degrees(PAIR_RADIUS_M, 39.91)
        self._cells: dict[tuple[int, int], list[int]] = {}
        for index in volunteers:
            self._cells.setdefault(self._cell(homes[index]), []).append(index)

    def _cell(self, point: Point) -> tuple[int, int]:
        return (
            int((point.latitude - LAT_MIN) / self._dlat),
            int((point.longitude - LON_MIN) / self._dlon),
        )

    def around(self, point: Point) -> list[list[int]]:
        """The 3x3 cells' lists, not copied (a city-sized demo has 100,000s in them)."""
        row, col = self._cell(point)
        return [
            cell
            for dr in (-1, 0, 1)
            for dc in (-1, 0, 1)
            if (cell := self._cells.get((row + dr, col + dc)))
        ]

    def remove(self, index: int, home: Point) -> None:
        self._cells[self._cell(home)].remove(index)


def _distance_from(homes: list[Point], point: Point) -> Callable[[int], float]:
    def distance(index: int) -> float:
        return distance_m(homes[index], point)

    return distance


def _pick(
    rng: random.Random,
    cells: list[list[int]],
    ok: Callable[[int], bool],
    dist: Callable[[int], float],
) -> int | None:
    """The nearest acceptable candidate among a random sample, else among all of them.

    Sampling keeps the district scale fast (thousands of volunteers within reach of each elder)
    while still spreading pairs over many volunteers instead of always taking the very nearest.
    The cells are sampled as if they were one list, without building it.
    """
    ends = list(accumulate(len(cell) for cell in cells))
    if not ends or ends[-1] == 0:
        return None

    def nth(n: int) -> int:
        k = bisect_right(ends, n)
        return cells[k][n - (ends[k - 1] if k else 0)]

    good: list[int] = []
    for size in (_SAMPLE, 16 * _SAMPLE):  # a wider sample before scanning every cell
        sample = [nth(rng.randrange(ends[-1])) for _ in range(size)]
        good = sorted({i for i in sample if ok(i)})
        if good:
            break
    else:
        good = [i for cell in cells for i in cell if ok(i)]
    return min(good, key=lambda i: (dist(i), i)) if good else None


def build_pairs(
    rng: random.Random,
    ids: Ids,
    stamp: Row,
    volunteers: list[VolunteerInfo],
    elders: list[ElderInfo],
    share: float,
) -> dict[str, list[Row]]:
    """ACTIVE pairs for about ``share`` of the elders, plus a few ENDED earlier pairs.

    An ACTIVE pair has an active volunteer within :data:`PAIR_RADIUS_M` who still has room under
    their capacity, of the elder's preferred sex when one is stated, free at one of the elder's
    wanted visit times when the elder states any; an elder has at most one.
    """
    homes = [v.home for v in volunteers]
    load = [0] * len(volunteers)
    open_grid = _Grid((i for i, v in enumerate(volunteers) if v.active and v.capacity > 0), homes)
    any_grid = _Grid(range(len(volunteers)), homes)
    rows: list[Row] = []

    def pair(
        volunteer: int, elder: ElderInfo, status: PairStatus, start: date, end: date | None
    ) -> None:
        rows.append(
            {
                **stamp,
                "id": ids.next("pair"),
                "volunteer_id": volunteers[volunteer].id,
                "elder_id": elder.id,
                "status": status,
                "started_on": start,
                "ended_on": end,
                "end_reason": rng.choice(END_REASONS) if end else None,
            }
        )

    target = round(share * len(elders))
    paired = 0
    started: dict[int, tuple[int, date]] = {}  # elder index -> (volunteer index, started_on)
    for e in rng.sample(range(len(elders)), len(elders)):
        if paired >= target:
            break
        elder = elders[e]

        def ok(i: int, elder: ElderInfo = elder) -> bool:
            v = volunteers[i]
            return (
                load[i] < v.capacity
                and (elder.preferred_gender is None or v.gender is elder.preferred_gender)
                and (not elder.slots or not elder.slots.isdisjoint(v.slots))
                and distance_m(v.home, elder.point) <= PAIR_RADIUS_M
            )

        chosen = _pick(rng, open_grid.around(elder.point), ok, _distance_from(homes, elder.point))
        if chosen is None:
            continue
        load[chosen] += 1
        if load[chosen] >= volunteers[chosen].capacity:
            open_grid.remove(chosen, homes[chosen])
        start = days_before_reference(rng, 30, 1500)
        pair(chosen, elder, PairStatus.ACTIVE, start, None)
        started[e] = (chosen, start)
        paired += 1

    for e in sorted(rng.sample(range(len(elders)), round(ENDED_SHARE * len(elders)))):
        elder = elders[e]
        current, current_start = started.get(e, (-1, None))
        # An earlier pair ended before the current one (if any) began.
        end = (
            (current_start - timedelta(days=rng.randint(1, 60)))
            if current_start
            else (days_before_reference(rng, 30, 600))
        )
        start = end - timedelta(days=rng.randint(90, 900))

        def near_enough(i: int, elder: ElderInfo = elder, current: int = current) -> bool:
            return i != current and distance_m(homes[i], elder.point) <= PAIR_RADIUS_M

        chosen = _pick(
            rng,
            any_grid.around(elder.point),
            near_enough,
            _distance_from(homes, elder.point),
        )
        if chosen is not None:
            pair(chosen, elder, PairStatus.ENDED, start, end)
    return {"pair": rows}
