"""The solver-free checker catches every broken hard rule (so the other tests can fail)."""

from __future__ import annotations

from dataclasses import replace

from matching import Anchor, PairingResult, PairingStatus, violations
from tests.matching.factory import elder, problem, solve, volunteer

PEOPLE = [
    volunteer(10, 100, 0),
    volunteer(11, 3000, 0),
    volunteer(12, 200, 0, gender="male"),
    volunteer(13, -100, 0),
]


def tamper(result: PairingResult, elder_id: int, volunteer_id: int) -> PairingResult:
    """The result with one elder's volunteer swapped."""
    pairs = tuple(
        replace(p, volunteer_id=volunteer_id) if p.elder_id == elder_id else p for p in result.pairs
    )
    return replace(result, pairs=pairs)


def test_a_sound_result_passes() -> None:
    p = problem([elder(1), elder(2, 0, 50)], PEOPLE)
    assert violations(p, solve(p)) == []


def test_distance() -> None:
    p = problem([elder(1)], PEOPLE)
    (found,) = violations(p, tamper(solve(p), 1, 11))
    assert "3000.0 m from its home anchor (limit 1500 m)" in found


def test_missing_workplace_anchor() -> None:
    p = problem([elder(1)], PEOPLE)
    result = solve(p)
    bad = replace(result, pairs=(replace(result.pairs[0], anchor=Anchor.WORK),))
    assert "missing workplace" in violations(p, bad)[0]


def test_gender_vetting_slots_forbidden() -> None:
    p = problem([elder(1, required_gender="female")], PEOPLE, forbidden=[(1, 13)])
    assert any("gender" in v for v in violations(p, tamper(solve(p), 1, 12)))
    assert any("forbidden" in v for v in violations(p, tamper(solve(p), 1, 13)))
    vetted = problem(
        [elder(1, needs_vetted=True, slots={2})], [*PEOPLE, volunteer(14, vetted=True, slots={2})]
    )
    found = violations(vetted, tamper(solve(vetted), 1, 10))
    assert any("vetting" in v for v in found)
    assert any("availability" in v for v in found)


def test_capacity_and_one_volunteer_per_elder() -> None:
    p = problem([elder(1), elder(2, 0, 50)], PEOPLE)
    result = solve(p)
    crowded = replace(result, pairs=tuple(replace(x, volunteer_id=10) for x in result.pairs))
    assert any("capacity 1" in v for v in violations(p, crowded))
    twice = replace(result, pairs=(*result.pairs, result.pairs[0]))
    assert any("has 2 volunteers" in v for v in violations(p, twice))


def test_pins_and_churn() -> None:
    p = problem([elder(1)], PEOPLE, pins=[(1, 13)])
    assert any("pin (1, 13) is not honoured" in v for v in violations(p, tamper(solve(p), 1, 10)))
    kept = problem([elder(1)], PEOPLE, existing=[(1, 13)])
    assert any("churn budget is 0" in v for v in violations(kept, tamper(solve(kept), 1, 10)))


def test_an_unmet_floor_with_a_free_volunteer() -> None:
    p = problem([elder(1), elder(2, 0, 50, street=2)], PEOPLE, street_floor=1.0)
    result = solve(p)
    dropped = replace(
        result,
        pairs=tuple(x for x in result.pairs if x.elder_id == 1),
        metrics=replace(
            result.metrics,
            coverage=tuple(replace(c, floor_met=c.street == 1) for c in result.metrics.coverage),
        ),
    )
    assert any("street 2 misses its floor" in v for v in violations(p, dropped))


def test_infeasible_results_propose_nothing() -> None:
    p = problem([elder(1)], PEOPLE, pins=[(1, 11)])
    result = solve(p)
    assert result.status == PairingStatus.INFEASIBLE
    assert violations(p, replace(result, pairs=solve(problem([elder(1)], PEOPLE)).pairs)) != []
