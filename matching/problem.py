"""The pairing problem: elders, volunteers, existing pairs, pins, forbidden pairs and parameters.

Every input is a frozen dataclass checked in ``__post_init__``: a bad value raises ``ValueError``
naming the item and the field, before any solving. Collections given as lists or sets are stored
as tuples and frozensets, so a problem is immutable and its order never depends on set order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from matching.validate import integer, strings
from matching.vocabulary import DEFAULT_NEED_SKILLS

GENDERS = ("female", "male")
MAX_PRIORITY = 1000
"""Priority weights above this would make the lexicographic scale overflow the flow's integers."""
MAX_CAPACITY = 1000
MAX_DISTANCE_M = 100_000


def priority_tier(
    *, living_alone: bool, age: int, needy: bool, disabled: bool, waiting_days: int
) -> int:
    """The integer priority weight of an elder (4 to 16), for :class:`Elder.priority`.

    4 for every elder, +2 each for living alone, being 90 or older, a dibao / special-hardship
    household (``needy``) and a disability, and +1 per full 90 days already waiting (at most +4).
    The optimiser maximises the sum of weights of paired elders first, so one elder who lives alone
    and is over 90 (weight 8) counts as much as two elders with no factor (4 + 4); the waiting
    bonus breaks such ties in favour of whoever has waited longer.
    """
    if age < 0:
        raise ValueError(f"age {age} is negative")
    if waiting_days < 0:
        raise ValueError(f"waiting_days {waiting_days} is negative")
    factors = int(living_alone) + int(age >= 90) + int(needy) + int(disabled)
    return 4 + 2 * factors + min(waiting_days // 90, 4)


def _coordinate(value: object, what: str, limit: float) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    if not -limit <= value <= limit:
        raise ValueError(f"{what} is {value}; it must lie between -{limit:g} and {limit:g}")
    return float(value)


def _ints(values: Iterable[int], what: str) -> frozenset[int]:
    out = frozenset(values)
    for v in out:
        integer(v, what, low=0)
    return out


@dataclass(frozen=True, kw_only=True)
class Elder:
    """An elder who may get one volunteer.

    ``slots`` are weekly slot codes (see :func:`matching.vocabulary.slot_code`) when the elder
    wants visits; empty means any time. ``max_distance_m`` overrides the run's walking limit for
    this elder. ``priority`` is the weight from :func:`priority_tier`.
    """

    id: int
    lat: float
    lon: float
    street: int
    priority: int
    max_distance_m: int | None = None
    required_gender: str | None = None
    needs_vetted: bool = False
    slots: frozenset[int] = frozenset()
    languages: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        me = f"elder {self.id!r}"
        integer(self.id, f"{me}: id")
        object.__setattr__(self, "lat", _coordinate(self.lat, f"{me}: latitude", 90))
        object.__setattr__(self, "lon", _coordinate(self.lon, f"{me}: longitude", 180))
        integer(self.street, f"{me}: street")
        integer(self.priority, f"{me}: priority", low=1, high=MAX_PRIORITY)
        if self.max_distance_m is not None:
            integer(self.max_distance_m, f"{me}: max_distance_m", low=1, high=MAX_DISTANCE_M)
        if self.required_gender is not None and self.required_gender not in GENDERS:
            raise ValueError(
                f"{me}: required_gender {self.required_gender!r} is not 'female', 'male' or None"
            )
        if not isinstance(self.needs_vetted, bool):
            raise ValueError(f"{me}: needs_vetted must be True or False")
        object.__setattr__(self, "slots", _ints(self.slots, f"{me}: slot"))
        object.__setattr__(self, "languages", strings(self.languages, f"{me}: languages"))
        object.__setattr__(self, "needs", strings(self.needs, f"{me}: needs"))


@dataclass(frozen=True, kw_only=True)
class Volunteer:
    """A volunteer who takes up to ``capacity`` elders, anchored at home or (if given) at work.

    ``slots`` are the weekly slot codes when the volunteer is free; a volunteer who states none
    can serve only elders who state no slots either.
    """

    id: int
    home_lat: float
    home_lon: float
    work_lat: float | None = None
    work_lon: float | None = None
    gender: str
    vetted: bool = False
    capacity: int = 1
    slots: frozenset[int] = frozenset()
    languages: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        me = f"volunteer {self.id!r}"
        integer(self.id, f"{me}: id")
        object.__setattr__(self, "home_lat", _coordinate(self.home_lat, f"{me}: home latitude", 90))
        object.__setattr__(
            self, "home_lon", _coordinate(self.home_lon, f"{me}: home longitude", 180)
        )
        if (self.work_lat is None) != (self.work_lon is None):
            raise ValueError(f"{me}: give both work latitude and longitude, or neither")
        if self.work_lat is not None and self.work_lon is not None:
            object.__setattr__(
                self, "work_lat", _coordinate(self.work_lat, f"{me}: work latitude", 90)
            )
            object.__setattr__(
                self, "work_lon", _coordinate(self.work_lon, f"{me}: work longitude", 180)
            )
        if self.gender not in GENDERS:
            raise ValueError(f"{me}: gender {self.gender!r} is not 'female' or 'male'")
        if not isinstance(self.vetted, bool):
            raise ValueError(f"{me}: vetted must be True or False")
        integer(self.capacity, f"{me}: capacity", low=0, high=MAX_CAPACITY)
        object.__setattr__(self, "slots", _ints(self.slots, f"{me}: slot"))
        object.__setattr__(self, "languages", strings(self.languages, f"{me}: languages"))
        object.__setattr__(self, "skills", strings(self.skills, f"{me}: skills"))

    @property
    def has_work(self) -> bool:
        """Whether the workplace may serve as an anchor."""
        return self.work_lat is not None


@dataclass(frozen=True)
class ExistingPair:
    """An active pair from earlier runs; keeping it is continuity, breaking it is churn."""

    elder_id: int
    volunteer_id: int

    def __post_init__(self) -> None:
        integer(self.elder_id, "existing pair: elder_id")
        integer(self.volunteer_id, "existing pair: volunteer_id")


@dataclass(frozen=True, kw_only=True)
class PairingParams:
    """Run parameters. Costs are in metre-equivalents: 1 = one metre of walking.

    - ``max_distance_m``: straight-line walking limit from either anchor (an elder may override).
    - ``max_candidates``: nearest volunteer anchors (home or work) considered per elder.
    - ``churn_budget``: how many valid existing pairs the run may break (0 = keep them all).
    - ``break_cost``: the cost of breaking a valid existing pair when the budget allows it.
    - ``street_floor``: share (0..1) of each street's eligible elders to pair whenever feasible.
    - ``language_mismatch_cost``: the elder names languages and the volunteer speaks none of them.
    - ``unmet_need_cost``: per care need no skill of the volunteer meets (``need_skills``).
    - ``availability_cost``: times the share of the elder's wanted slots the volunteer cannot do.
    - ``cost_unit_m``: the integer resolution of costs inside the flow.
    """

    max_distance_m: int = 1500
    max_candidates: int = 200
    churn_budget: int = 0
    break_cost: float = 1000.0
    street_floor: float | None = None
    distance_weight: float = 1.0
    language_mismatch_cost: float = 500.0
    unmet_need_cost: float = 300.0
    availability_cost: float = 300.0
    cost_unit_m: float = 10.0
    need_skills: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_NEED_SKILLS

    def __post_init__(self) -> None:
        integer(self.max_distance_m, "params: max_distance_m", low=1, high=MAX_DISTANCE_M)
        integer(self.max_candidates, "params: max_candidates", low=1, high=10_000)
        integer(self.churn_budget, "params: churn_budget", low=0)
        if self.street_floor is not None and not (
            isinstance(self.street_floor, int | float) and 0 <= self.street_floor <= 1
        ):
            raise ValueError(f"params: street_floor {self.street_floor!r} must be 0..1 or None")
        for name in (
            "break_cost",
            "distance_weight",
            "language_mismatch_cost",
            "unmet_need_cost",
            "availability_cost",
        ):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not 0 <= value <= 1e6:
                raise ValueError(f"params: {name} {value!r} must be a number from 0 to 1e6")
        if not isinstance(self.cost_unit_m, int | float) or not 0.01 <= self.cost_unit_m <= 1e4:
            raise ValueError(f"params: cost_unit_m {self.cost_unit_m!r} must be 0.01 to 1e4")
        table = tuple((need, tuple(skills)) for need, skills in self.need_skills)
        object.__setattr__(self, "need_skills", table)


@dataclass(frozen=True, kw_only=True)
class PairingProblem:
    """Everything one run decides on. Ids must be unique; pairs must name known ids."""

    elders: tuple[Elder, ...]
    volunteers: tuple[Volunteer, ...]
    existing: tuple[ExistingPair, ...] = ()
    pins: tuple[tuple[int, int], ...] = ()
    forbidden: tuple[tuple[int, int], ...] = ()
    params: PairingParams = field(default_factory=PairingParams)

    def __post_init__(self) -> None:
        for name in ("elders", "volunteers", "existing", "pins", "forbidden"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        elder_ids = _unique_ids(self.elders, Elder, "elder")
        volunteer_ids = _unique_ids(self.volunteers, Volunteer, "volunteer")
        seen_elders: set[int] = set()
        for pair in self.existing:
            if not isinstance(pair, ExistingPair):
                raise ValueError(f"existing pairs must be ExistingPair, not {pair!r}")
            _known(pair.elder_id, pair.volunteer_id, elder_ids, volunteer_ids, "existing pair")
            if pair.elder_id in seen_elders:
                raise ValueError(f"elder {pair.elder_id} has more than one existing pair")
            seen_elders.add(pair.elder_id)
        for name, one in (("pins", "pin"), ("forbidden", "forbidden pair")):
            pairs = tuple((int(e), int(v)) for e, v in getattr(self, name))
            if len(set(pairs)) != len(pairs):
                raise ValueError(f"{name} list the same (elder, volunteer) pair twice")
            for elder_id, volunteer_id in pairs:
                _known(elder_id, volunteer_id, elder_ids, volunteer_ids, one)
            object.__setattr__(self, name, pairs)
        if not isinstance(self.params, PairingParams):
            raise ValueError("params must be a PairingParams")


def _unique_ids(items: tuple[object, ...], kind: type, word: str) -> set[int]:
    ids: set[int] = set()
    for item in items:
        if not isinstance(item, kind):
            raise ValueError(f"{word}s must be {kind.__name__} objects, not {item!r}")
        item_id: int = getattr(item, "id")  # noqa: B009 (both kinds have an id)
        if item_id in ids:
            raise ValueError(f"duplicate {word} id {item_id}")
        ids.add(item_id)
    return ids


def _known(
    elder_id: int, volunteer_id: int, elders: set[int], volunteers: set[int], what: str
) -> None:
    if elder_id not in elders:
        raise ValueError(f"{what} ({elder_id}, {volunteer_id}) names unknown elder {elder_id}")
    if volunteer_id not in volunteers:
        raise ValueError(
            f"{what} ({elder_id}, {volunteer_id}) names unknown volunteer {volunteer_id}"
        )
