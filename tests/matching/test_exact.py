"""The optimum against an independent exact solver (MILP) on random small instances."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from matching import PairingProblem, PairingStatus, pair, violations
from tests.matching.factory import EQUATOR
from tests.matching.reference import exact_optimum, terms, units
from tests.matching.strategies import problems

SETTINGS = settings(max_examples=90, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(problems(origin=EQUATOR, pins=False, all_candidates=True))
def test_objective_matches_an_independent_milp(p: PairingProblem) -> None:
    result = pair(p)
    assert violations(p, result) == []
    best = exact_optimum(p)
    objective = result.objective
    assert objective is not None
    if result.status == PairingStatus.OPTIMAL:
        assert (objective.floor_units, objective.weighted_pairs, objective.cost_units) == (
            best.floor_units,
            best.weighted_pairs,
            best.cost_units,
        )
    else:  # the churn budget's Lagrangian left a gap: the optimum must lie inside it
        value = (
            best.cost_units
            - objective.weight_scale * best.weighted_pairs
            - objective.floor_scale * best.floor_units
        )
        assert result.bound is not None
        assert result.bound <= value <= objective.value


@settings(max_examples=40, deadline=None)
@given(problems(pins=False, all_candidates=True))
def test_reported_cost_terms_match_the_plain_model(p: PairingProblem) -> None:
    result = pair(p)
    elders = {e.id: e for e in p.elders}
    volunteers = {v.id: v for v in p.volunteers}
    for got in result.pairs:
        want = terms(p, elders[got.elder_id], volunteers[got.volunteer_id])
        assert set(got.cost_terms) == set(want)
        for name, value in want.items():
            assert abs(got.cost_terms[name] - value) < 1e-6, name
        assert abs(got.cost - sum(want.values())) < 1e-6
    if result.objective is not None and not p.existing and p.params.street_floor is None:
        total = sum(units(p, elders[x.elder_id], volunteers[x.volunteer_id]) for x in result.pairs)
        # flow costs use flat distances: at most one rounding unit apart per pair
        assert abs(result.objective.cost_units - total) <= len(result.pairs)
