"""From an allocation vector to an explained ``AllocationResult`` (shared by every solver)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from matching.allocation.coverage import street_coverage
from matching.allocation.encoding import Arcs, Encoded, IntArray
from matching.allocation.explain import fund_outcomes, grants, request_outcomes
from matching.allocation.problem import AllocationProblem
from matching.allocation.result import AllocationResult, AllocationStatus, ShadowPrice, Timings


def relative_gap(bound: float | None, objective: float) -> float | None:
    if bound is None:
        return None
    return max(0.0, bound - objective) / bound if bound > 0 else 0.0


def assemble(
    problem: AllocationProblem,
    enc: Encoded,
    arcs: Arcs,
    x: IntArray,
    *,
    status: AllocationStatus,
    bound: float | None,
    started: float,
    method: str,
    floor_share: float | None = None,
    shadows: Sequence[ShadowPrice | None] | None = None,
    timings: Timings | None = None,
    notes: tuple[str, ...] = (),
) -> AllocationResult:
    """The explained result of allocation ``x`` (one amount per arc)."""
    clock = time.perf_counter()
    eligible = enc.eligible_need(arcs)
    covered = enc.covered(arcs, x)
    coverage = street_coverage(
        enc, enc.per_street(eligible), enc.per_street(covered), problem.params.floor_share
    )
    all_grants = grants(enc, arcs, x)
    requests = request_outcomes(enc, arcs, x, eligible, all_grants)
    funds = fund_outcomes(enc, arcs, x, shadows)
    objective = enc.weighted(arcs, x)
    return AllocationResult(
        status=status,
        grants=all_grants,
        requests=requests,
        funds=funds,
        streets=coverage.streets,
        objective=objective,
        covered_fen=int(covered.sum()),
        bound=bound,
        gap=relative_gap(bound, objective),
        min_coverage=coverage.min_coverage,
        gini=coverage.gini,
        floor_share=floor_share,
        method=method,
        timings=replace(
            timings or Timings(),
            explain_s=time.perf_counter() - clock,
            total_s=time.perf_counter() - started,
        ),
        notes=notes,
    )


def nothing_proposed(
    problem: AllocationProblem,
    enc: Encoded,
    *,
    status: AllocationStatus,
    reasons: tuple[str, ...],
    started: float,
    timings: Timings | None = None,
) -> AllocationResult:
    """An INFEASIBLE or UNKNOWN result: no grants, the streets' needs and floors, the reasons."""
    arcs = enc.arcs()
    zero = np.zeros(arcs.size, np.int64)
    eligible = enc.per_street(enc.eligible_need(arcs))
    coverage = street_coverage(enc, eligible, np.zeros_like(eligible), problem.params.floor_share)
    return AllocationResult(
        status=status,
        grants=(),
        requests=(),
        funds=fund_outcomes(enc, arcs, zero),
        streets=coverage.streets,
        objective=0.0,
        covered_fen=0,
        bound=None,
        gap=None,
        min_coverage=coverage.min_coverage,
        gini=coverage.gini,
        floor_share=problem.params.street_floor,
        method="none",
        timings=replace(timings or Timings(), total_s=time.perf_counter() - started),
        infeasible_reasons=reasons,
    )
