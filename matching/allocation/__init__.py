"""Charity-fund allocation: restricted funds to households' requests (pure; no database).

``allocate(problem)`` decides integer fen per (request, fund): within budgets, needs, yearly
caps (less what was already received) and eligibility tags, every grant 0 or at least the
fund's minimum, each street at least phi of its eligible need (or the best share every street
can get at once), maximising urgency-weighted covered need. ``violations`` re-checks a result
against every hard rule; ``greedy_allocate`` is the highest-urgency-first baseline.

Building a problem from the tables (the jobs layer):

- ``Fund``: ``budget_fen`` = what is left this year; ``cap_fen`` per household per year;
  ``tags`` the household tags its purpose covers (empty = any household).
- ``Request``: one open request per household; ``tags`` from the household's status and
  members (see ``HOUSEHOLD_TAGS``); ``street`` the street id (coverage and floors are per
  street).
- ``Received`` for this year's earlier grants per (household, fund); only households with a
  request in the run and the run's funds may appear.
- Call ``violations(problem, result)`` before saving; INFEASIBLE and UNKNOWN results carry
  ``infeasible_reasons`` and grant nothing.
"""

from matching.allocation.allocate import allocate
from matching.allocation.check import violations
from matching.allocation.greedy import greedy_allocate
from matching.allocation.problem import (
    HOUSEHOLD_TAGS,
    AllocationParams,
    AllocationProblem,
    Fund,
    Received,
    Request,
)
from matching.allocation.result import (
    AllocationResult,
    AllocationStatus,
    FundLimit,
    FundOutcome,
    Grant,
    Reason,
    RequestOutcome,
    ShadowMethod,
    ShadowPrice,
    StreetCoverage,
    Timings,
)

__all__ = [
    "HOUSEHOLD_TAGS",
    "AllocationParams",
    "AllocationProblem",
    "AllocationResult",
    "AllocationStatus",
    "Fund",
    "FundLimit",
    "FundOutcome",
    "Grant",
    "Reason",
    "Received",
    "Request",
    "RequestOutcome",
    "ShadowMethod",
    "ShadowPrice",
    "StreetCoverage",
    "Timings",
    "allocate",
    "greedy_allocate",
    "violations",
]
