"""The allocation problem: restricted charity funds, households' requests, and run parameters.

Every input is a frozen dataclass checked in ``__post_init__``: a bad value raises ``ValueError``
naming the item and the field, before any solving. Money is integer fen (1 yuan = 100 fen)
everywhere; a float amount is refused rather than rounded, because a silent rounding of money
is a defect the coordinator would never see.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from matching.validate import strings

MAX_FEN = 10**12
"""Ten billion yuan: any amount above this is a unit mistake (yuan typed as fen twice over)."""
MAX_URGENCY = 1e6
HOUSEHOLD_TAGS = (
    "serious_illness",
    "school_age_child",
    "elder_80",
    "dibao",
    "low_income",
    "special_hardship",
    "disability",
)
"""Tags the district uses today; any non-empty string is accepted, so new fund rules need no
code change."""


def _fen(value: object, what: str) -> int:
    """``value`` as a non-negative integer amount of fen, or ValueError saying what is wrong."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{what} must be a whole number of fen (1 yuan = 100 fen), not {value!r}")
    if value < 0:
        raise ValueError(f"{what} is {value} fen; amounts cannot be negative")
    if value > MAX_FEN:
        raise ValueError(f"{what} is {value} fen, more than 10 billion yuan; is the unit right?")
    return value


def _id(value: object, what: str) -> int:
    """An integer id (database primary keys); bool is refused though it is an int subclass."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{what} must be an integer id, not {value!r}")
    return value


@dataclass(frozen=True, kw_only=True)
class Fund:
    """A restricted fund of the charity association, as it stands for the rest of the year.

    - ``budget_fen``: what it may still pay out this year.
    - ``cap_fen``: the most one household may get from it in a year (what the household already
      received from this fund this year is subtracted, see :class:`Received`).
    - ``min_grant_fen``: a grant from this fund is either 0 or at least this much.
    - ``tags``: the fund may pay only for a household with at least one of these tags; empty
      means any household.
    """

    id: int
    budget_fen: int
    cap_fen: int
    min_grant_fen: int = 0
    tags: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        me = f"fund {self.id!r}"
        _id(self.id, f"{me}: id")
        _fen(self.budget_fen, f"{me}: budget_fen")
        _fen(self.cap_fen, f"{me}: cap_fen")
        _fen(self.min_grant_fen, f"{me}: min_grant_fen")
        object.__setattr__(self, "tags", strings(self.tags, f"{me}: tags"))

    def pays_for(self, household_tags: frozenset[str]) -> bool:
        """Whether the fund's purpose covers a household with these tags."""
        return not self.tags or not self.tags.isdisjoint(household_tags)


@dataclass(frozen=True, kw_only=True)
class Request:
    """One household's open request for money in this run.

    ``urgency`` weighs each fen of covered need in the objective (from assessment scores later;
    explicit for now); ``tags`` are the household's circumstances the funds' rules look at.
    """

    id: int
    household_id: int
    street: int
    need_fen: int
    urgency: float
    tags: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        me = f"request {self.id!r}"
        _id(self.id, f"{me}: id")
        _id(self.household_id, f"{me}: household_id")
        _id(self.street, f"{me}: street")
        _fen(self.need_fen, f"{me}: need_fen")
        u = self.urgency
        if not isinstance(u, int | float) or isinstance(u, bool) or not math.isfinite(u):
            raise ValueError(f"{me}: urgency must be a finite number, not {u!r}")
        if not 0 < u <= MAX_URGENCY:
            raise ValueError(
                f"{me}: urgency is {u}; it must be above 0 and at most {MAX_URGENCY:g}"
            )
        object.__setattr__(self, "urgency", float(u))
        object.__setattr__(self, "tags", strings(self.tags, f"{me}: tags"))


@dataclass(frozen=True)
class Received:
    """What a household already received from a fund this year (counts against the fund's cap)."""

    household_id: int
    fund_id: int
    amount_fen: int

    def __post_init__(self) -> None:
        me = f"already received ({self.household_id!r}, {self.fund_id!r})"
        _id(self.household_id, f"{me}: household_id")
        _id(self.fund_id, f"{me}: fund_id")
        _fen(self.amount_fen, f"{me}: amount_fen")


@dataclass(frozen=True, kw_only=True)
class AllocationParams:
    """Run parameters.

    - ``street_floor``: share phi (0..1) of each street's eligible need that must be covered.
      Read as a fraction with denominator at most 10^6, so 0.1 means exactly one tenth.
    - ``strict_floors``: when the floors cannot all be met, return INFEASIBLE (True) or maximise
      the smallest street coverage share first and the weighted objective second (False).
    """

    street_floor: float | None = None
    strict_floors: bool = False

    def __post_init__(self) -> None:
        phi = self.street_floor
        if phi is not None and (
            not isinstance(phi, int | float) or isinstance(phi, bool) or not 0 <= phi <= 1
        ):
            raise ValueError(f"params: street_floor {phi!r} must be a share from 0 to 1, or None")
        if not isinstance(self.strict_floors, bool):
            raise ValueError("params: strict_floors must be True or False")

    @property
    def floor_share(self) -> Fraction | None:
        """The floor as an exact fraction (None without a floor)."""
        if self.street_floor is None:
            return None
        return Fraction(self.street_floor).limit_denominator(10**6)


@dataclass(frozen=True, kw_only=True)
class AllocationProblem:
    """Everything one run decides on. Ids must be unique; ``received`` must name known ids.

    At most one open request per household: two would compete for the same caps and floors
    under different urgencies, which the coordinator should merge first.
    """

    funds: tuple[Fund, ...]
    requests: tuple[Request, ...]
    received: tuple[Received, ...] = ()
    params: AllocationParams = field(default_factory=AllocationParams)

    def __post_init__(self) -> None:
        for name in ("funds", "requests", "received"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        fund_ids = _unique(self.funds, Fund, "id", "duplicate fund id {}")
        _unique(self.requests, Request, "id", "duplicate request id {}")
        households = _unique(
            self.requests,
            Request,
            "household_id",
            "household {} has more than one open request; merge them into one",
        )
        seen: set[tuple[int, int]] = set()
        for r in self.received:
            if not isinstance(r, Received):
                raise ValueError(f"received must hold Received objects, not {r!r}")
            if r.fund_id not in fund_ids:
                raise ValueError(
                    f"already received ({r.household_id}, {r.fund_id}) names unknown fund"
                    f" {r.fund_id}; list only the run's funds"
                )
            if r.household_id not in households:
                raise ValueError(
                    f"already received ({r.household_id}, {r.fund_id}) names household"
                    f" {r.household_id}, which has no request in this run; leave it out"
                )
            if (r.household_id, r.fund_id) in seen:
                raise ValueError(
                    f"already received lists ({r.household_id}, {r.fund_id}) twice; add them up"
                )
            seen.add((r.household_id, r.fund_id))
        if not isinstance(self.params, AllocationParams):
            raise ValueError("params must be an AllocationParams")


def _unique(items: tuple[object, ...], kind: type, attribute: str, duplicate: str) -> set[int]:
    ids: set[int] = set()
    for item in items:
        if not isinstance(item, kind):
            raise ValueError(f"expected {kind.__name__} objects, not {item!r}")
        value: int = getattr(item, attribute)
        if value in ids:
            raise ValueError(duplicate.format(value))
        ids.add(value)
    return ids
