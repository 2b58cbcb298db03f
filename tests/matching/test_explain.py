"""Why an elder is unpaired and what would help, as data."""

from __future__ import annotations

from matching import Rule, UnpairedReason, slot_code
from tests.matching.factory import elder, problem, solve, volunteer


def test_nobody_in_reach() -> None:
    result = solve(problem([elder(1)], [volunteer(10, 2300, 0)]))
    (u,) = result.unpaired
    assert u.reason == UnpairedReason.NO_VOLUNTEER_IN_REACH
    assert "nearest volunteer is 2.3 km away" in u.detail
    assert u.suggestion == "1 more volunteer within 1.5 km of this elder"


def test_everybody_in_reach_excluded_by_rules() -> None:
    tuesday_morning = slot_code(1, "morning")
    wants = elder(1, required_gender="female", slots={tuesday_morning, 7})
    people = [
        volunteer(10, 100, 0, gender="male", slots={tuesday_morning}),
        volunteer(11, 200, 0, gender="female", slots={5}),
        volunteer(12, 300, 0, gender="male", slots={5}),
    ]
    (u,) = solve(problem([wants], people)).unpaired
    assert u.reason == UnpairedReason.EXCLUDED_BY_RULES
    assert u.rules == (Rule.AVAILABILITY, Rule.GENDER)  # 2 each; ties by name
    assert "3 volunteer(s) within 1.5 km, all excluded: 2 by availability, 2 by gender" in u.detail
    assert u.suggestion == (
        "1 more female volunteer free on Tuesday mornings (or another wanted time)"
        " within 1.5 km of this elder"
    )


def test_taken_by_a_higher_priority_elder() -> None:
    elders = [elder(1, 0, 0, priority=4, languages={"hakka"}), elder(2, 50, 0, priority=8)]
    (u,) = solve(problem(elders, [volunteer(10, 400, 0)])).unpaired
    assert u.elder_id == 1
    assert u.reason == UnpairedReason.TAKEN_BY_HIGHER_PRIORITY
    assert u.suggestion == (
        "1 more volunteer who speaks hakka within 1.5 km of this elder,"
        " or 1 more place for volunteer 10 (400 m away, capacity 1)"
    )


def test_pairs_carry_their_cost_terms() -> None:
    result = solve(
        problem(
            [elder(1, needs={"errands", "visits"}, slots={1, 2})],
            [volunteer(10, 300, 400, skills={"errands"}, slots={1})],
        )
    )
    (p,) = result.pairs
    assert abs(p.cost_terms["distance"] - 500) < 0.5
    assert p.cost_terms["skills"] == 300.0  # "visits" unmet
    assert p.cost_terms["availability"] == 150.0  # one of two wanted slots
    assert p.cost_terms["language"] == 0.0
    assert abs(p.cost - sum(p.cost_terms.values())) < 1e-9


def test_a_volunteer_reached_through_both_anchors_counts_once() -> None:
    both = volunteer(10, 100, 0, gender="male", work=(0, 200))
    (u,) = solve(problem([elder(1, required_gender="female")], [both])).unpaired
    assert u.detail.startswith("1 volunteer(s) within 1.5 km")
