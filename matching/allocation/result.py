"""What an allocation run returns: a status, the grants, and why each request got what it got.

Explanations are data: each request carries the limit that stopped it per fund it qualifies
for; each fund its spending and what more money in it would do; each street its coverage and
floor. Money is integer fen; the objective is urgency-weighted fen (urgency x fen covered).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class AllocationStatus(enum.StrEnum):
    """OPTIMAL: proven optimal. FEASIBLE: valid, within ``gap`` of the bound (or, for the
    greedy baseline, no bound). INFEASIBLE: strict floors cannot be met; nothing is proposed.
    UNKNOWN: strict floors, and time ran out before an allocation meeting them was found or
    ruled out; nothing is proposed."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


class Reason(enum.StrEnum):
    """Why a request got what it got (per request, and per fund it qualifies for)."""

    NEED_MET = "need_met"
    BUDGET_EXHAUSTED = "budget_exhausted"
    """The fund has no money left (or less than its minimum grant) after this allocation."""
    CAP_REACHED = "cap_reached"
    """The household's yearly cap at this fund is used up (or the room left is below the
    fund's minimum grant)."""
    BELOW_MINIMUM = "below_minimum_grant"
    """The uncovered rest of the need is smaller than the fund's minimum grant."""
    NOT_ELIGIBLE = "not_eligible"
    """No fund whose rules cover the household had money at the start of the run."""


class ShadowMethod(enum.StrEnum):
    """How a fund's shadow price is computed.

    RESOLVE: the LP relaxation solved again with the budget raised (exact for the relaxation).
    DUAL: the LP dual price of the budget times the extra money (an upper bound: more money
    has diminishing returns). AUTO: RESOLVE when it fits the time, else DUAL. NONE: skip.
    """

    AUTO = "auto"
    RESOLVE = "resolve"
    DUAL = "dual"
    NONE = "none"


@dataclass(frozen=True)
class Grant:
    request_id: int
    household_id: int
    fund_id: int
    amount_fen: int


@dataclass(frozen=True)
class FundLimit:
    """What stops more money from this fund going to this request."""

    fund_id: int
    reason: Reason


@dataclass(frozen=True)
class RequestOutcome:
    request_id: int
    household_id: int
    street: int
    need_fen: int
    eligible_fen: int
    """The part of the need that the funds it qualifies for could cover, each on its own."""
    covered_fen: int
    grants: tuple[Grant, ...]
    reason: Reason
    """NEED_MET or NOT_ELIGIBLE, else the main limit: BUDGET_EXHAUSTED when any fund ran out
    of money, else BELOW_MINIMUM when any fund's minimum is what blocks, else CAP_REACHED."""
    limits: tuple[FundLimit, ...]
    """Per fund it qualifies for (unless the need is met), ordered by fund id."""
    detail: str


@dataclass(frozen=True)
class ShadowPrice:
    """What ``extra_fen`` more in this fund's budget would do, by the LP relaxation at the same
    street floors: ``weighted_gain`` urgency-weighted fen (exact for RESOLVE, an upper bound for
    DUAL), ``covered_gain_fen`` more fen of need covered (RESOLVE only)."""

    extra_fen: int
    weighted_gain: float
    covered_gain_fen: int | None
    method: ShadowMethod
    text: str


@dataclass(frozen=True)
class FundOutcome:
    fund_id: int
    budget_fen: int
    awarded_fen: int
    remaining_fen: int
    grants: int
    shadow: ShadowPrice | None


@dataclass(frozen=True)
class StreetCoverage:
    """Coverage of one street: covered / eligible need (1.0 when nothing is eligible).
    ``target_fen`` is the floor phi asks for (None without a floor)."""

    street: int
    eligible_fen: int
    covered_fen: int
    coverage: float
    target_fen: int | None
    floor_met: bool | None


@dataclass(frozen=True)
class Timings:
    """Seconds per stage: floors and the LP relaxation, rounding and top-up, the exact MIP,
    shadow prices, explanations, and the whole run."""

    lp_s: float = 0.0
    rounding_s: float = 0.0
    exact_s: float = 0.0
    shadow_s: float = 0.0
    explain_s: float = 0.0
    total_s: float = 0.0

    @property
    def solve_s(self) -> float:
        """Time to the allocation itself: everything but shadow prices and explanations."""
        return self.total_s - self.shadow_s - self.explain_s


@dataclass(frozen=True)
class AllocationResult:
    """The answer. ``objective`` <= ``bound``; ``gap`` = (bound - objective) / bound.

    The bound is the LP relaxation (minimum grants relaxed; tightened by an exact MIP's bound
    on small instances) subject to the street floors this result meets, so it compares only
    allocations that serve the streets at least as fairly. ``floor_share`` is the share of
    eligible need every street is guaranteed: phi, or the max-min share when phi cannot be
    met at once (then ``notes`` says so). On INFEASIBLE and UNKNOWN there are no grants and
    ``infeasible_reasons`` says what to change.
    """

    status: AllocationStatus
    grants: tuple[Grant, ...]
    requests: tuple[RequestOutcome, ...]
    funds: tuple[FundOutcome, ...]
    streets: tuple[StreetCoverage, ...]
    objective: float
    """Sum over requests of urgency x covered fen."""
    covered_fen: int
    bound: float | None
    gap: float | None
    min_coverage: float
    """Smallest street coverage share among streets with eligible need (1.0 if none)."""
    gini: float
    """Gini coefficient of street coverage shares (0 = every street equally covered)."""
    floor_share: float | None
    method: str
    timings: Timings
    infeasible_reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def solve_time_s(self) -> float:
        return self.timings.total_s
