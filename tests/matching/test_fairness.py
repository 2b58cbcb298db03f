"""Street floors, coverage per street and the Gini coefficient."""

from __future__ import annotations

import numpy as np
import pytest

from matching.metrics import gini
from tests.matching.factory import elder, pairs_of, problem, solve, volunteer


def contested() -> tuple[list, list]:  # type: ignore[type-arg]
    """Street 1: elders 1 (weight 8) and 2; street 2: elder 3 (weight 4). Volunteer 10 is
    within reach of elders 1 and 3 only; volunteer 11 of elder 2 only."""
    elders = [
        elder(1, 0, 0, street=1, priority=8),
        elder(2, 5000, 0, street=1),
        elder(3, 1400, 0, street=2),
    ]
    return elders, [volunteer(10, 700, 0), volunteer(11, 5000, 100)]


def test_without_a_floor_priority_decides() -> None:
    elders, people = contested()
    result = solve(problem(elders, people))
    assert pairs_of(result) == {1: 10, 2: 11}
    coverage = {c.street: c for c in result.metrics.coverage}
    assert coverage[2].coverage == 0.0
    assert coverage[1].coverage == 1.0
    assert coverage[1].floor_met is None
    assert result.metrics.gini == pytest.approx(0.5)


def test_a_floor_raises_the_poor_street() -> None:
    elders, people = contested()
    result = solve(problem(elders, people, street_floor=0.5))
    assert pairs_of(result) == {3: 10, 2: 11}
    coverage = {c.street: c for c in result.metrics.coverage}
    assert coverage[2].paired == 1
    assert coverage[2].floor_target == 1
    assert all(c.floor_met for c in result.metrics.coverage)
    assert result.objective is not None
    assert result.objective.floor_units == 2


def test_an_unreachable_floor_is_reported_unmet() -> None:
    elders = [elder(1, street=1), elder(2, 10, 0, street=1)]
    result = solve(problem(elders, [volunteer(10)], street_floor=1.0))
    (street,) = result.metrics.coverage
    assert street.floor_target == 2
    assert street.paired == 1
    assert street.floor_met is False


def test_eligibility_ignores_elders_nobody_can_serve() -> None:
    elders = [elder(1, street=1), elder(2, 9000, 0, street=1)]
    result = solve(problem(elders, [volunteer(10)]))
    (street,) = result.metrics.coverage
    assert (street.eligible, street.paired, street.coverage) == (1, 1, 1.0)


@pytest.mark.parametrize(
    ("values", "expected"),
    [([1.0, 1.0, 1.0], 0.0), ([0.0, 1.0], 0.5), ([0.0, 0.0, 0.0, 1.0], 0.75), ([], 0.0)],
)
def test_gini(values: list[float], expected: float) -> None:
    assert gini(np.array(values)) == pytest.approx(expected)
