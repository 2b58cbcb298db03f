"""Invalid input is refused before solving, with a message that names the item and the field."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from matching.allocation import AllocationParams, AllocationProblem, Fund, Received
from tests.matching.allocation.factory import fund, problem, request


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: fund(1, -1, 100), "budget_fen is -1 fen"),
        (lambda: fund(1, 100, -5), "cap_fen is -5 fen"),
        (lambda: fund(1, 100, 100, minimum=-1), "min_grant_fen is -1"),
        (lambda: Fund(id=1, budget_fen=10.5, cap_fen=1), "whole number of fen"),  # type: ignore[arg-type]
        (lambda: Fund(id=True, budget_fen=1, cap_fen=1), "integer id"),
        (lambda: Fund(id=1, budget_fen=10**13, cap_fen=1), "more than 10 billion yuan"),
        (lambda: Fund(id=1, budget_fen=1, cap_fen=1, tags="dibao"), "not the string"),  # type: ignore[arg-type]
        (lambda: fund(1, 1, 1, tags=[""]), "non-empty strings"),
        (lambda: request(1, -100), "need_fen is -100 fen"),
        (lambda: request(1, 100, urgency=0), "urgency is 0"),
        (lambda: request(1, 100, urgency=-2.5), "urgency is -2.5"),
        (lambda: request(1, 100, urgency=float("nan")), "finite number"),
        (lambda: request(1, 100, urgency=1e7), "at most"),
        (lambda: Received(1, 2, -3), "amount_fen is -3"),
        (lambda: AllocationParams(street_floor=1.5), "street_floor 1.5"),
        (lambda: AllocationParams(street_floor=-0.1), "street_floor -0.1"),
        (lambda: AllocationParams(street_floor=True), "street_floor True"),
        (lambda: AllocationParams(strict_floors=1), "strict_floors"),  # type: ignore[arg-type]
    ],
)
def test_bad_values_are_refused(build: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate fund id 1"):
        problem([fund(1, 10, 10), fund(1, 20, 20)], [request(1, 5)])
    with pytest.raises(ValueError, match="duplicate request id 1"):
        problem([fund(1, 10, 10)], [request(1, 5), request(1, 6, household=7)])
    with pytest.raises(ValueError, match="household 7 has more than one open request"):
        problem([fund(1, 10, 10)], [request(1, 5, household=7), request(2, 6, household=7)])


def test_already_received_must_name_known_ids_once() -> None:
    funds, requests = [fund(1, 10, 10)], [request(1, 5, household=7)]
    with pytest.raises(ValueError, match="unknown fund 9"):
        problem(funds, requests, received=[Received(7, 9, 1)])
    with pytest.raises(ValueError, match="household 8, which has no request"):
        problem(funds, requests, received=[Received(8, 1, 1)])
    with pytest.raises(ValueError, match=r"lists \(7, 1\) twice"):
        problem(funds, requests, received=[Received(7, 1, 1), Received(7, 1, 2)])


def test_wrong_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="expected Fund objects"):
        AllocationProblem(funds=(object(),), requests=())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="received must hold Received"):
        AllocationProblem(funds=(), requests=(), received=((1, 2, 3),))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="params must be"):
        AllocationProblem(funds=(), requests=(), params=0.5)  # type: ignore[arg-type]


def test_lists_become_tuples_and_floors_exact_fractions() -> None:
    p = AllocationProblem(
        funds=[fund(1, 10, 10)],  # type: ignore[arg-type]
        requests=[request(1, 5)],  # type: ignore[arg-type]
        params=AllocationParams(street_floor=0.1),
    )
    assert isinstance(p.funds, tuple)
    assert isinstance(p.requests, tuple)
    assert p.params.floor_share is not None
    assert p.params.floor_share * 10 == 1
