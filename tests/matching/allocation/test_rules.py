"""One small case per hard rule: eligibility, caps, already received, minimum grant, need,
budget; and the optimiser beats urgency-first greedy where greedy takes the wrong fund."""

from __future__ import annotations

import pytest

from matching.allocation import AllocationStatus, Received, greedy_allocate, violations
from tests.matching.allocation.factory import covered, fund, granted, problem, request, solved


@pytest.mark.parametrize("exact", [True, False])
def test_a_fund_pays_only_for_households_with_one_of_its_tags(exact: bool) -> None:
    p = problem(
        [fund(1, 1000, 1000, tags=["dibao", "disability"]), fund(2, 50, 1000)],
        [
            request(1, 300, urgency=9, tags=["elder_80"]),
            request(2, 300, urgency=1, tags=["disability"]),
        ],
    )
    result = solved(p, exact_max_arcs=1000 if exact else 0)
    assert granted(result) == {(1, 2): 50, (2, 1): 300}
    assert result.status == AllocationStatus.OPTIMAL


def test_an_empty_tag_set_pays_for_anyone() -> None:
    p = problem([fund(1, 500, 1000)], [request(1, 200, tags=[]), request(2, 200, tags=["x"])])
    assert covered(solved(p)) == {1: 200, 2: 200}


def test_the_yearly_cap_limits_each_household_per_fund() -> None:
    p = problem([fund(1, 1000, 300), fund(2, 1000, 100)], [request(1, 1000)])
    result = solved(p)
    assert granted(result) == {(1, 1): 300, (1, 2): 100}
    assert result.requests[0].reason == "cap_reached"


def test_what_was_already_received_counts_against_the_cap() -> None:
    p = problem(
        [fund(1, 1000, 300)],
        [request(1, 1000, household=7), request(2, 1000, household=8)],
        received=[Received(7, 1, 200), Received(8, 1, 500)],
    )
    result = solved(p)
    assert granted(result) == {(1, 1): 100}
    assert [r.reason for r in result.requests] == ["cap_reached", "cap_reached"]


def test_a_grant_is_zero_or_at_least_the_minimum() -> None:
    # The relaxation would give 600 + 300; with a minimum of 500 the 300 cannot be granted,
    # and 500 + 400 is no better: one request gets 600, 300 stays in the fund.
    p = problem([fund(1, 900, 1000, minimum=500)], [request(1, 600), request(2, 600)])
    for exact in (True, False):
        result = solved(p, exact_max_arcs=1000 if exact else 0)
        assert result.covered_fen == 600
        assert result.funds[0].remaining_fen == 300
        assert sorted(r.reason for r in result.requests) == ["budget_exhausted", "need_met"]
    # The LP bound cannot see the minimum; the exact MIP proves 600 optimal.
    heuristic = solved(p, exact_max_arcs=0)
    assert heuristic.status == AllocationStatus.FEASIBLE
    assert heuristic.bound == pytest.approx(900)
    assert heuristic.gap == pytest.approx(1 / 3)
    proven = solved(p)
    assert proven.status == AllocationStatus.OPTIMAL
    assert proven.bound == pytest.approx(600)


def test_a_need_below_the_minimum_gets_nothing_from_that_fund() -> None:
    p = problem([fund(1, 900, 1000, minimum=500), fund(2, 100, 1000)], [request(1, 400)])
    result = solved(p)
    assert granted(result) == {(1, 2): 100}
    # 300 still missing; fund 1 would have to grant below its minimum
    assert result.requests[0].reason == "budget_exhausted"  # fund 2 ran out
    limits = {x.fund_id: x.reason for x in result.requests[0].limits}
    assert limits == {1: "below_minimum_grant", 2: "budget_exhausted"}


def test_no_request_gets_more_than_it_needs() -> None:
    p = problem([fund(1, 10_000, 10_000), fund(2, 10_000, 10_000)], [request(1, 150)])
    result = solved(p)
    assert result.covered_fen == 150
    assert result.requests[0].reason == "need_met"


def test_the_budget_goes_to_the_most_urgent_first() -> None:
    p = problem([fund(1, 1000, 1000)], [request(1, 600, urgency=1), request(2, 600, urgency=3)])
    result = solved(p)
    assert covered(result) == {1: 400, 2: 600}
    assert result.objective == pytest.approx(3 * 600 + 400)
    assert result.funds[0].remaining_fen == 0


def test_allocate_uses_the_fund_only_it_can_use_where_greedy_does_not() -> None:
    # Request 1 may use either fund; request 2 only fund 2. Greedy serves 1 from fund 2 (it has
    # more money) and leaves 2 short; the optimum serves 1 from fund 1.
    p = problem(
        [fund(1, 100, 1000, tags=["x"]), fund(2, 150, 1000, tags=["y"])],
        [request(1, 100, urgency=2, tags=["x", "y"]), request(2, 100, urgency=1, tags=["y"])],
    )
    greedy = greedy_allocate(p)
    assert violations(p, greedy) == []
    result = solved(p, exact_max_arcs=0)
    assert covered(result) == {1: 100, 2: 100}
    assert covered(greedy) == {1: 100, 2: 50}
    assert result.objective > greedy.objective


def test_empty_and_moneyless_problems_are_fine() -> None:
    assert solved(problem([], [])).status == AllocationStatus.OPTIMAL
    assert solved(problem([fund(1, 100, 100)], [])).covered_fen == 0
    none = solved(problem([], [request(1, 100)]))
    assert none.requests[0].reason == "not_eligible"
    broke = solved(problem([fund(1, 0, 100)], [request(1, 100), request(2, 0)]))
    assert [r.reason for r in broke.requests] == ["not_eligible", "need_met"]
    assert broke.status == AllocationStatus.OPTIMAL
