"""Properties on random small problems: sound, never worse than greedy, deterministic, and
the objective and bound bracketing an independent exact optimum (CP-SAT)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.allocation import (
    AllocationParams,
    AllocationProblem,
    AllocationResult,
    AllocationStatus,
    Timings,
    allocate,
    greedy_allocate,
    violations,
)
from tests.matching.allocation.reference import best_objective, eligible_need
from tests.matching.allocation.strategies import problems

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOLERANCE = 1e-6
NONE = (AllocationStatus.INFEASIBLE, AllocationStatus.UNKNOWN)


def both(p: AllocationProblem) -> tuple[AllocationResult, AllocationResult]:
    """With the exact MIP (small instances' default) and without (the large-scale path)."""
    return allocate(p), allocate(p, exact_max_arcs=0)


def all_floors_met(result: AllocationResult) -> bool:
    return all(s.floor_met is not False for s in result.streets)


@SETTINGS
@given(problems())
def test_every_result_passes_the_checker(p: AllocationProblem) -> None:
    for result in both(p):
        assert violations(p, result) == []
    # Greedy ignores floors by design (strict ones included): every other rule holds.
    assert violations(replace(p, params=AllocationParams()), greedy_allocate(p)) == []


@SETTINGS
@given(problems())
def test_never_worse_than_greedy(p: AllocationProblem) -> None:
    greedy = greedy_allocate(p)
    for result in both(p):
        if p.params.street_floor and not all_floors_met(greedy):
            # Greedy ignores floors: then the worst-served street comes first (max-min), up to
            # the whole fen a street's target is rounded to.
            needs = [e for e in eligible_need(p).values() if e > 0]
            if result.status not in NONE and needs:
                assert result.min_coverage >= greedy.min_coverage - 1 / min(needs) - TOLERANCE
            continue
        assert result.status not in NONE
        assert all_floors_met(result)
        assert result.objective >= greedy.objective * (1 - TOLERANCE)


@SETTINGS
@given(problems(), st.randoms(use_true_random=False))
def test_same_input_same_result_whatever_the_order(
    p: AllocationProblem, rng: random.Random
) -> None:
    shuffled = replace(
        p,
        funds=tuple(rng.sample(p.funds, len(p.funds))),
        requests=tuple(rng.sample(p.requests, len(p.requests))),
        received=tuple(reversed(p.received)),
    )
    first = replace(allocate(p), timings=Timings())
    assert replace(allocate(p), timings=Timings()) == first
    assert replace(allocate(shuffled), timings=Timings()) == first


@SETTINGS
@given(problems())
def test_objective_and_bound_bracket_the_exact_optimum(p: AllocationProblem) -> None:
    optimum = best_objective(p)
    exact, heuristic = both(p)
    for result in (exact, heuristic):
        if optimum is None:  # phi's floors cannot be met with minimum grants
            if p.params.strict_floors:
                assert result.status in NONE
            else:
                assert not all_floors_met(result)
            continue
        if result.status == AllocationStatus.UNKNOWN:
            assert result is heuristic  # the heuristic alone may not find them; never wrong
            continue
        assert result.status != AllocationStatus.INFEASIBLE
        assert result.bound is not None
        assert result.bound >= optimum * (1 - TOLERANCE) - TOLERANCE
        if all_floors_met(result):
            assert result.objective <= optimum * (1 + TOLERANCE) + TOLERANCE
            if result.status == AllocationStatus.OPTIMAL:
                assert result.objective == pytest.approx(optimum, rel=TOLERANCE, abs=TOLERANCE)
    # Small instances: the exact MIP finds the optimum.
    if optimum is not None:
        assert exact.status == AllocationStatus.OPTIMAL
        assert exact.objective == pytest.approx(optimum, rel=TOLERANCE, abs=TOLERANCE)


@SETTINGS
@given(problems(floors=False))
def test_the_lp_bound_is_the_relaxation_without_minimums(p: AllocationProblem) -> None:
    # Without minimum grants the flow is exact: the heuristic path is optimal by itself.
    plain = replace(p, funds=tuple(replace(f, min_grant_fen=0) for f in p.funds))
    result = allocate(plain, exact_max_arcs=0)
    optimum = best_objective(plain)
    assert optimum is not None
    assert result.status == AllocationStatus.OPTIMAL
    assert result.objective == pytest.approx(optimum, rel=TOLERANCE, abs=TOLERANCE)
