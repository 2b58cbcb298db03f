"""Street floors: met when reachable, max-min when not (or INFEASIBLE when strict), and the
interplay with minimum grants."""

from __future__ import annotations

import pytest

from matching.allocation import AllocationStatus, greedy_allocate
from tests.matching.allocation.factory import covered, fund, problem, request, solved

# One fund for anyone; the urgent request is in street 1, the other in street 2.
FUNDS = [fund(1, 1000, 1000)]
REQUESTS = [request(1, 1000, urgency=5, street=1), request(2, 1000, urgency=1, street=2)]


def test_without_a_floor_the_urgent_street_takes_everything() -> None:
    result = solved(problem(FUNDS, REQUESTS))
    assert covered(result) == {1: 1000, 2: 0}
    assert result.min_coverage == 0
    assert result.gini == pytest.approx(0.5)


@pytest.mark.parametrize("strict", [False, True])
def test_a_reachable_floor_is_met_at_the_least_cost(strict: bool) -> None:
    result = solved(problem(FUNDS, REQUESTS, floor=0.3, strict=strict))
    assert covered(result) == {1: 700, 2: 300}
    assert result.objective == pytest.approx(5 * 700 + 300)
    assert result.status == AllocationStatus.OPTIMAL
    assert [s.target_fen for s in result.streets] == [300, 300]
    assert all(s.floor_met for s in result.streets)
    assert result.floor_share == pytest.approx(0.3)
    assert not greedy_allocate(problem(FUNDS, REQUESTS, floor=0.3)).streets[1].floor_met


def test_an_unreachable_strict_floor_is_infeasible_with_a_reason() -> None:
    p = problem(FUNDS, REQUESTS, floor=0.6, strict=True)
    result = solved(p)
    assert result.status == AllocationStatus.INFEASIBLE
    assert result.grants == ()
    assert "at most 50.00%" in result.infeasible_reasons[0]


def test_an_unreachable_floor_falls_back_to_the_best_share_for_every_street() -> None:
    result = solved(problem(FUNDS, REQUESTS, floor=0.6))
    assert covered(result) == {1: 500, 2: 500}
    assert result.floor_share == pytest.approx(0.5)
    assert result.min_coverage == pytest.approx(0.5)
    assert [s.floor_met for s in result.streets] == [False, False]
    assert "every street gets that share instead" in result.notes[0]


def test_max_min_finds_the_bottleneck_behind_a_restricted_fund() -> None:
    # Street 3 can only use fund 2 (tag x), which holds 200; streets 1 and 2 share fund 1.
    funds = [fund(1, 1200, 1000, tags=["y"]), fund(2, 200, 1000, tags=["x"])]
    requests = [
        request(1, 1000, urgency=3, street=1, tags=["y"]),
        request(2, 1000, urgency=1, street=2, tags=["y"]),
        request(3, 1000, urgency=1, street=3, tags=["x"]),
    ]
    # Eligible need: 1000, 1000 and 200 (fund 2 holds only 200): street 3 can be covered
    # fully, streets 1 and 2 share 1200 -> max-min share 0.6.
    result = solved(problem(funds, requests, floor=0.9))
    assert result.floor_share == pytest.approx(0.6)
    assert covered(result) == {1: 600, 2: 600, 3: 200}
    assert "street(s) 1, 2" in result.notes[0]


def test_a_zero_floor_changes_nothing() -> None:
    plain = solved(problem(FUNDS, REQUESTS))
    zero = solved(problem(FUNDS, REQUESTS, floor=0.0))
    assert covered(zero) == covered(plain)
    assert [s.floor_met for s in zero.streets] == [True, True]


# Minimum 600 of 1000: two streets cannot both get a grant, whatever the floor.
MINIMUM = [fund(1, 1000, 1000, minimum=600)]


def test_floors_the_minimums_make_impossible_are_infeasible_when_strict() -> None:
    result = solved(problem(MINIMUM, REQUESTS, floor=0.3, strict=True))
    assert result.status == AllocationStatus.INFEASIBLE
    assert "below the funds' minimums" in result.infeasible_reasons[0]


def test_without_the_exact_mip_such_floors_are_unknown_when_strict() -> None:
    result = solved(problem(MINIMUM, REQUESTS, floor=0.3, strict=True), exact_max_arcs=0)
    assert result.status == AllocationStatus.UNKNOWN
    assert result.grants == ()


def test_otherwise_the_best_allocation_is_kept_and_the_short_street_named() -> None:
    result = solved(problem(MINIMUM, REQUESTS, floor=0.3))
    assert covered(result) == {1: 1000, 2: 0}
    assert result.status == AllocationStatus.OPTIMAL  # for what each street gets
    assert result.streets[1].floor_met is False
    assert "street(s) 2 short of the floor" in result.notes[0]


def test_floor_slivers_are_rounded_up_first() -> None:
    # The relaxation gives street 1 a sliver below the minimum and street 3 one above half of
    # it; the budget holds one of them. Street 1 needs its sliver for its floor, so it goes up.
    p = problem(
        [fund(1, 20, 10, minimum=10)],
        [request(1, 10, street=3), request(2, 10, street=3), request(3, 10, street=1)],
        floor=0.2,
    )
    result = solved(p, exact_max_arcs=0)
    assert all(s.floor_met for s in result.streets)
    assert covered(result) == {1: 10, 2: 0, 3: 10}
    assert greedy_allocate(p).min_coverage == 0


def test_when_minimums_defeat_the_floors_the_worst_street_still_comes_first() -> None:
    # Fund 1's minimum lets it serve two of the three streets; fund 2 has one fen. Floors of
    # 0.2 cannot all be met; a reduced share of them gives two streets 10 fen and the third
    # the fen (greedy gives that fen to a street already served).
    p = problem(
        [fund(1, 20, 10, minimum=10), fund(2, 1, 1)],
        [request(1, 11, street=3), request(2, 11, street=2), request(3, 10, street=1)],
        floor=0.2,
    )
    result = solved(p, exact_max_arcs=0)
    assert "of the street targets" in result.method
    assert result.min_coverage == pytest.approx(1 / 11)
    assert "short of the floor" in result.notes[0]
    assert greedy_allocate(p).min_coverage == 0
