"""Pure optimisers: frozen dataclasses in, a result with a status out (no database, no settings).

Pairing (issue 3): ``pair(problem)`` proposes standing volunteer-elder pairs, ``violations``
re-checks a result against every hard rule, ``greedy_pair`` is the nearest-first baseline.

Building a problem from the tables (the jobs layer):

- ``Elder``: ``priority=priority_tier(living_alone=..., age=..., needy=<dibao or special
  hardship>, disabled=<disability_grade > 0>, waiting_days=...)``; ``required_gender`` from
  ``preferred_volunteer_gender``; ``slots`` = ``{slot_code(weekday, day_part)}`` of the
  elder's visit slots (none = any time); ``languages`` and ``needs`` are the codes as stored
  (``CareNeed`` values); ``street`` the street id (coverage and floors are per street).
- ``Volunteer``: the same ``slot_code`` for availability (none stated = can serve only elders
  who state no slots); ``skills`` as ``Skill`` values (``DEFAULT_NEED_SKILLS`` maps needs to
  skills); workplace coordinates only for volunteers who may serve near work.
- ``ExistingPair`` for active pairs; pins and forbidden pairs as (elder id, volunteer id).
  Every id they name must be in the problem: filter them to the run's scope first.
- Call ``violations(problem, result)`` before saving; INFEASIBLE results carry
  ``infeasible_reasons`` (pins that contradict the rules) and propose nothing.
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
