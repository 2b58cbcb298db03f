"""Pure optimisers: frozen dataclasses in, a result with a status out (no database, no settings).

Pairing (issue 3): ``pair(problem)`` proposes standing volunteer-elder pairs, ``violations``
re-checks a result against every hard rule, ``greedy_pair`` is the nearest-first baseline.
"""

from matching.check import violations
from matching.greedy import greedy_pair
from matching.pairing import pair
from matching.problem import (
    Elder,
    ExistingPair,
    PairingParams,
    PairingProblem,
    Volunteer,
    priority_tier,
)
from matching.result import (
    Anchor,
    BreakReason,
    BrokenPair,
    Metrics,
    Objective,
    Pair,
    PairingResult,
    PairingStatus,
    Rule,
    StreetCoverage,
    Unpaired,
    UnpairedReason,
)
from matching.vocabulary import DEFAULT_NEED_SKILLS, slot_code, slot_label

__all__ = [
    "DEFAULT_NEED_SKILLS",
    "Anchor",
    "BreakReason",
    "BrokenPair",
    "Elder",
    "ExistingPair",
    "Metrics",
    "Objective",
    "Pair",
    "PairingParams",
    "PairingProblem",
    "PairingResult",
    "PairingStatus",
    "Rule",
    "StreetCoverage",
    "Unpaired",
    "UnpairedReason",
    "Volunteer",
    "greedy_pair",
    "pair",
    "priority_tier",
    "slot_code",
    "slot_label",
    "violations",
]
