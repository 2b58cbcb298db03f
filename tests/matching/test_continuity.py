"""Existing pairs: kept under churn budget 0, broken at most B times otherwise, forced breaks."""

from __future__ import annotations

from matching import BreakReason, PairingStatus
from tests.matching.factory import elder, pairs_of, problem, solve, volunteer


def far_pairs_with_near_alternatives(n: int) -> tuple[list, list, list[tuple[int, int]]]:  # type: ignore[type-arg]
    """n elders each in a far (1.4 km) existing pair, each with a free volunteer 50 m away."""
    elders = [elder(i, 5000 * i, 0) for i in range(1, n + 1)]
    people = []
    existing = []
    for i in range(1, n + 1):
        people += [volunteer(100 + i, 5000 * i + 1400, 0), volunteer(200 + i, 5000 * i + 50, 0)]
        existing.append((i, 100 + i))
    return elders, people, existing


def test_budget_zero_keeps_every_valid_pair() -> None:
    elders, people, existing = far_pairs_with_near_alternatives(3)
    result = solve(problem(elders, people, existing=existing))
    assert pairs_of(result) == dict(existing)
    assert all(p.kept for p in result.pairs)
    assert result.metrics.pairs_kept == 3
    assert result.metrics.pairs_broken == 0


def test_budget_k_breaks_at_most_k() -> None:
    elders, people, existing = far_pairs_with_near_alternatives(3)
    p = problem(elders, people, existing=existing, churn_budget=2, break_cost=100.0)
    result = solve(p)
    assert result.metrics.pairs_broken == 2
    assert result.metrics.pairs_kept == 1
    assert result.status == PairingStatus.OPTIMAL
    chosen = [b for b in result.broken if b.reason == BreakReason.CHOSEN]
    assert len(chosen) == 2


def test_a_large_budget_is_not_spent_without_gain() -> None:
    elders, people, existing = far_pairs_with_near_alternatives(2)
    p = problem(elders, people, existing=existing, churn_budget=5, break_cost=5000.0)
    result = solve(p)
    assert result.metrics.pairs_broken == 0


def test_breaking_a_pair_to_serve_a_higher_priority_elder() -> None:
    # A (weight 4) holds V; B (weight 8) can only reach V; A could walk to W instead.
    elders = [elder(1, 0, 0, priority=4), elder(2, 1400, 0, priority=8)]
    people = [volunteer(10, 700, 0), volunteer(11, -700, 0)]
    kept = solve(problem(elders, people, existing=[(1, 10)]))
    assert pairs_of(kept) == {1: 10}
    moved = solve(problem(elders, people, existing=[(1, 10)], churn_budget=1))
    assert pairs_of(moved) == {1: 11, 2: 10}
    assert moved.metrics.pairs_broken == 1


def test_invalid_existing_pairs_break_without_counting() -> None:
    elders = [elder(1), elder(2, 100, 0, required_gender="male")]
    people = [volunteer(10, 3000, 0), volunteer(11, 120, 0), volunteer(12, 20, 0)]
    result = solve(problem(elders, people, existing=[(1, 10), (2, 11)]))
    reasons = {b.elder_id: b.reason for b in result.broken}
    assert reasons == {1: BreakReason.RULES, 2: BreakReason.RULES}
    assert "distance" in next(b.detail for b in result.broken if b.elder_id == 1)
    assert result.metrics.pairs_broken == 0
    assert result.metrics.pairs_broken_forced == 2
    assert 1 in pairs_of(result)


def test_pins_and_capacity_force_breaks() -> None:
    elders = [elder(1, priority=4), elder(2, 10, 0, priority=8), elder(3, 20, 0)]
    people = [volunteer(10, capacity=1), volunteer(11, 30, 0)]
    result = solve(problem(elders, people, existing=[(1, 10), (2, 10), (3, 11)], pins=[(3, 10)]))
    reasons = {b.elder_id: b.reason for b in result.broken}
    assert reasons[3] == BreakReason.PIN  # pinned elsewhere
    assert reasons[2] == BreakReason.PIN  # would have kept the one place but for the pin
    assert reasons[1] == BreakReason.CAPACITY  # one place, two pairs: lower priority goes
    over = solve(problem(elders[:2], people[:1], existing=[(1, 10), (2, 10)]))
    assert pairs_of(over) == {2: 10}  # the higher priority stays
    assert over.broken[0].reason == BreakReason.CAPACITY
