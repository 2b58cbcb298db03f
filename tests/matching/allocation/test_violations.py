"""The checker catches every kind of broken result (results tampered with by hand)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matching.allocation import (
    AllocationProblem,
    AllocationResult,
    AllocationStatus,
    Grant,
    Received,
    violations,
)
from tests.matching.allocation.factory import fund, problem, request, solved

P = problem(
    [fund(1, 1000, 600, minimum=100, tags=["dibao"]), fund(2, 300, 1000)],
    [
        request(1, 800, urgency=3, street=1, tags=["dibao"], household=11),
        request(2, 500, urgency=1, street=2, household=12),
    ],
    received=[Received(11, 1, 100)],
    floor=0.2,
)


def with_grants(result: AllocationResult, *grants: Grant) -> AllocationResult:
    """The result with other grants and totals made consistent, so only the rule breaks."""
    covered = sum(g.amount_fen for g in grants)
    urgency = {r.id: r.urgency for r in P.requests}
    objective = sum(g.amount_fen * urgency.get(g.request_id, 0.0) for g in grants)
    return replace(
        result, grants=grants, covered_fen=covered, objective=objective, requests=(), funds=()
    )


def test_the_optimiser_result_is_clean() -> None:
    result = solved(P)
    assert violations(P, result) == []
    assert result.covered_fen == 800


@pytest.mark.parametrize(
    ("grants", "message"),
    [
        ((Grant(1, 11, 1, 600),), "its cap leaves 500"),
        ((Grant(2, 12, 1, 200),), "does not pay for this household"),
        ((Grant(1, 11, 2, 50),), None),  # fine on its own; a control
        ((Grant(1, 11, 1, 50),), "below the minimum 100"),
        ((Grant(2, 12, 2, 301),), "fund 2 awards 301 but has 300"),
        ((Grant(1, 11, 1, 500), Grant(1, 11, 2, 301)), "fund 2 awards 301"),
        ((Grant(2, 12, 2, 300), Grant(2, 12, 2, 250)), "fund 2 awards 550"),
        ((Grant(1, 11, 1, 500), Grant(1, 11, 2, 300), Grant(1, 11, 2, 1)), "request 1 gets 801"),
        ((Grant(1, 11, 3, 10),), "unknown request or fund"),
        ((Grant(9, 11, 1, 10),), "unknown request or fund"),
        ((Grant(1, 12, 2, 10),), "names household 12, not 11"),
        ((Grant(1, 11, 2, 0),), "grants are positive whole fen"),
    ],
)
def test_broken_rules_are_named(grants: tuple[Grant, ...], message: str | None) -> None:
    out = violations(P, with_grants(solved(P), *grants))
    if message is None:
        assert not [v for v in out if "floor" not in v]
    else:
        assert any(message in v for v in out), out


def test_a_floor_missed_while_money_is_left_is_a_violation() -> None:
    # Street 2's floor is 60 (0.2 of the 300 fund 2 could give); fund 2 still has it.
    out = violations(P, with_grants(solved(P), Grant(1, 11, 1, 500)))
    assert any("street 2 misses its floor" in v and "fund 2" in v for v in out), out


def test_a_strict_floor_must_be_met_whatever_is_left() -> None:
    strict = replace(P, params=replace(P.params, strict_floors=True))
    out = violations(strict, with_grants(solved(strict), Grant(1, 11, 1, 500)))
    assert any("its strict floor is 60" in v for v in out), out


def test_reported_totals_must_match_the_grants() -> None:
    result = solved(P)
    assert violations(P, replace(result, covered_fen=1)) == [
        "covered_fen says 1; the grants add up to 800"
    ]
    assert "objective says" in violations(P, replace(result, objective=1.0))[0]
    assert "below the objective" in violations(P, replace(result, bound=1.0))[0]
    fund_one = replace(result.funds[0], awarded_fen=0)
    assert violations(P, replace(result, funds=(fund_one, *result.funds[1:]))) == [
        "fund 1 reports 0 awarded"
    ]
    first = replace(result.requests[0], covered_fen=7)
    assert violations(P, replace(result, requests=(first, *result.requests[1:]))) == [
        "request 1 reports 7 covered"
    ]


def test_results_without_an_allocation_grant_nothing_and_say_why() -> None:
    result = replace(solved(P), status=AllocationStatus.INFEASIBLE)
    out = violations(P, result)
    assert "a result without an allocation grants money" in out
    assert "it gives no reason" in out
    empty = replace(result, grants=(), infeasible_reasons=("floors",))
    assert violations(P, empty) == []


def test_problems_are_checked_from_scratch() -> None:
    # The checker does not trust the result's street figures: it recomputes eligible need.
    p: AllocationProblem = P
    result = solved(p)
    bogus = tuple(replace(s, target_fen=0, floor_met=True) for s in result.streets)
    assert violations(p, replace(result, streets=bogus)) == []
