"""What a pairing run returns: a status, pairs with their cost terms, explanations and metrics.

Explanations are data: every pair carries its cost terms; every unpaired elder a reason, the
rules that excluded candidates, and what would help; every broken existing pair why it broke.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass


class PairingStatus(enum.StrEnum):
    """OPTIMAL: proven optimal (over each elder's candidate list). FEASIBLE: valid, with a gap.
    INFEASIBLE: the pins contradict the hard rules; nothing is proposed."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"


class Anchor(enum.StrEnum):
    HOME = "home"
    WORK = "work"


class UnpairedReason(enum.StrEnum):
    NO_VOLUNTEER_IN_REACH = "no_volunteer_in_reach"
    """No volunteer anchor within the elder's walking limit."""
    EXCLUDED_BY_RULES = "excluded_by_rules"
    """Volunteers are in reach, but gender, vetting, availability or a forbidden pair rule out
    every one of them (``rules`` says which)."""
    TAKEN_BY_HIGHER_PRIORITY = "taken_by_higher_priority"
    """Every eligible volunteer in reach is at capacity with pinned or kept pairs or with elders
    the objective ranks at least as high (priority, then street floors)."""


class Rule(enum.StrEnum):
    """A hard rule that can exclude a volunteer who is within reach."""

    GENDER = "gender"
    VETTING = "vetting"
    AVAILABILITY = "availability"
    FORBIDDEN = "forbidden"
    NO_CAPACITY = "no_capacity"
    """The volunteer's capacity is 0, or already used by pinned or kept pairs."""


class BreakReason(enum.StrEnum):
    """Why an existing pair is not in the result."""

    CHOSEN = "chosen"
    """The optimiser broke it within the churn budget (counts against the budget)."""
    RULES = "rules"
    """It now breaks a hard rule (the detail says which); it never counts against the budget."""
    PIN = "pin"
    """A pin moves the elder, or the pins fill the volunteer's capacity."""
    CAPACITY = "capacity"
    """The volunteer now has fewer places than existing pairs."""


@dataclass(frozen=True)
class Pair:
    """A proposed (or kept) pair. ``cost_terms`` are metre-equivalents; ``cost`` is their sum."""

    elder_id: int
    volunteer_id: int
    anchor: Anchor
    distance_m: float
    cost_terms: Mapping[str, float]
    cost: float
    kept: bool
    pinned: bool


@dataclass(frozen=True)
class Unpaired:
    elder_id: int
    reason: UnpairedReason
    rules: tuple[Rule, ...]
    """For EXCLUDED_BY_RULES: the rules that excluded candidates, most exclusions first."""
    detail: str
    suggestion: str


@dataclass(frozen=True)
class BrokenPair:
    elder_id: int
    volunteer_id: int
    reason: BreakReason
    detail: str


@dataclass(frozen=True)
class StreetCoverage:
    """Coverage of one street: paired over eligible elders (eligible = some volunteer passes every
    hard rule, capacity aside). ``floor_target`` is the number of elders the floor asks for."""

    street: int
    eligible: int
    paired: int
    coverage: float
    floor_target: int | None
    floor_met: bool | None


@dataclass(frozen=True)
class Metrics:
    elders_total: int
    elders_paired: int
    weighted_pairs: int
    total_cost: float
    """Sum of the pairs' costs, metre-equivalents (break costs included)."""
    mean_distance_m: float
    coverage: tuple[StreetCoverage, ...]
    gini: float
    """Gini coefficient of street coverage (0 = every street equally covered)."""
    pairs_kept: int
    pairs_broken: int
    """Existing pairs broken by choice (counted against the churn budget)."""
    pairs_broken_forced: int
    """Existing pairs broken because of rules, pins or capacity."""
    solve_time_s: float
    candidate_arcs: int
    flow_arcs: int
    """Arcs the flow solver saw in its last solve (the rest were priced out and certified)."""
    flow_solves: int


@dataclass(frozen=True)
class Objective:
    """The lexicographic objective: street-floor units, then priority weight, then cost.

    ``value = cost_units - weight_scale * weighted_pairs - floor_scale * floor_units`` is what the
    flow minimises; the scales make each level dominate the next.
    """

    floor_units: int
    weighted_pairs: int
    cost_units: int
    weight_scale: int
    floor_scale: int

    @property
    def value(self) -> int:
        return (
            self.cost_units
            - self.weight_scale * self.weighted_pairs
            - self.floor_scale * self.floor_units
        )


@dataclass(frozen=True)
class PairingResult:
    """The answer. ``bound`` <= ``objective.value``; ``gap`` is their difference (0 if optimal).

    On INFEASIBLE there are no pairs and ``infeasible_reasons`` says what to fix.
    """

    status: PairingStatus
    pairs: tuple[Pair, ...]
    unpaired: tuple[Unpaired, ...]
    broken: tuple[BrokenPair, ...]
    objective: Objective | None
    bound: int | None
    gap: int | None
    metrics: Metrics
    infeasible_reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
