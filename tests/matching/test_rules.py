"""One small case per hard rule, allowed and refused; and the pins."""

from __future__ import annotations

import pytest

from matching import Anchor, PairingStatus, Rule, UnpairedReason, pair, violations
from tests.matching.factory import elder, pairs_of, problem, solve, volunteer


def unpaired_reason(result: object, elder_id: int) -> tuple[UnpairedReason, tuple[Rule, ...]]:
    for u in result.unpaired:  # type: ignore[attr-defined]
        if u.elder_id == elder_id:
            return u.reason, u.rules
    raise AssertionError(f"elder {elder_id} is paired")


def test_workplace_anchor_brings_a_volunteer_into_reach() -> None:
    far_home_near_work = volunteer(10, 2000, 0, work=(0, 300))
    result = solve(problem([elder(1)], [far_home_near_work]))
    assert pairs_of(result) == {1: 10}
    assert result.pairs[0].anchor == Anchor.WORK
    assert result.pairs[0].distance_m == pytest.approx(300, abs=0.5)


def test_home_anchor_out_of_reach_without_a_workplace() -> None:
    result = solve(problem([elder(1)], [volunteer(10, 2000, 0)]))
    assert result.pairs == ()
    assert unpaired_reason(result, 1) == (UnpairedReason.NO_VOLUNTEER_IN_REACH, ())


def test_nearer_anchor_is_reported() -> None:
    result = solve(problem([elder(1)], [volunteer(10, 400, 0, work=(0, 900))]))
    assert result.pairs[0].anchor == Anchor.HOME
    assert result.pairs[0].distance_m == pytest.approx(400, abs=0.5)


@pytest.mark.parametrize(("metres", "paired"), [(1499.5, True), (1500.6, False)])
def test_the_limit_is_decided_to_the_metre(metres: float, paired: bool) -> None:
    result = solve(problem([elder(1)], [volunteer(10, metres * 0.6, metres * 0.8)]))
    assert bool(result.pairs) is paired


def test_elder_limit_overrides_the_run_limit() -> None:
    tight = solve(problem([elder(1, max_distance_m=500)], [volunteer(10, 800, 0)]))
    assert tight.pairs == ()
    assert unpaired_reason(tight, 1)[0] == UnpairedReason.NO_VOLUNTEER_IN_REACH
    wide = solve(problem([elder(1, max_distance_m=2500)], [volunteer(10, 2000, 0)]))
    assert pairs_of(wide) == {1: 10}


def test_required_gender() -> None:
    people = [volunteer(10, 100, 0, gender="male"), volunteer(11, 900, 0, gender="female")]
    result = solve(problem([elder(1, required_gender="female")], people))
    assert pairs_of(result) == {1: 11}
    only_male = solve(problem([elder(1, required_gender="female")], people[:1]))
    assert unpaired_reason(only_male, 1) == (UnpairedReason.EXCLUDED_BY_RULES, (Rule.GENDER,))


def test_vetting() -> None:
    people = [volunteer(10, 100, 0), volunteer(11, 900, 0, vetted=True)]
    result = solve(problem([elder(1, needs_vetted=True)], people))
    assert pairs_of(result) == {1: 11}
    unvetted = solve(problem([elder(1, needs_vetted=True)], people[:1]))
    assert unpaired_reason(unvetted, 1) == (UnpairedReason.EXCLUDED_BY_RULES, (Rule.VETTING,))


def test_slots_must_overlap_when_the_elder_states_any() -> None:
    wants = elder(1, slots={3})
    assert pairs_of(solve(problem([wants], [volunteer(10, slots={3, 5})]))) == {1: 10}
    refused = solve(problem([wants], [volunteer(10, slots={4})]))
    assert unpaired_reason(refused, 1) == (UnpairedReason.EXCLUDED_BY_RULES, (Rule.AVAILABILITY,))
    silent = solve(problem([wants], [volunteer(10)]))
    assert silent.pairs == ()
    anytime = solve(problem([elder(1)], [volunteer(10, slots={4})]))
    assert pairs_of(anytime) == {1: 10}


def test_forbidden_pairs_never() -> None:
    people = [volunteer(10, 50, 0), volunteer(11, 1000, 0)]
    result = solve(problem([elder(1)], people, forbidden=[(1, 10)]))
    assert pairs_of(result) == {1: 11}
    alone = solve(problem([elder(1)], people[:1], forbidden=[(1, 10)]))
    assert unpaired_reason(alone, 1) == (UnpairedReason.EXCLUDED_BY_RULES, (Rule.FORBIDDEN,))


def test_capacity() -> None:
    elders = [elder(1, 0, 0), elder(2, 10, 0), elder(3, 20, 0)]
    result = solve(problem(elders, [volunteer(10, capacity=2)]))
    assert len(result.pairs) == 2
    assert result.unpaired[0].reason == UnpairedReason.TAKEN_BY_HIGHER_PRIORITY
    none = solve(problem(elders[:1], [volunteer(10, capacity=0)]))
    assert unpaired_reason(none, 1) == (UnpairedReason.EXCLUDED_BY_RULES, (Rule.NO_CAPACITY,))


def test_higher_priority_wins_the_only_volunteer() -> None:
    elders = [elder(1, 10, 0, priority=4), elder(2, 1200, 0, priority=8)]
    result = solve(problem(elders, [volunteer(10)]))
    assert pairs_of(result) == {2: 10}
    assert unpaired_reason(result, 1)[0] == UnpairedReason.TAKEN_BY_HIGHER_PRIORITY


def test_more_elders_beat_one_of_equal_weight_sum_on_cost() -> None:
    # Weight 8 alone vs two elders of weight 4: a tie on priority, so cost decides.
    elders = [elder(1, 0, 0, priority=8), elder(2, 500, 0), elder(3, -500, 0)]
    people = [volunteer(10, 0, 100), volunteer(11, 0, -100)]
    result = solve(problem(elders, people))
    assert result.metrics.weighted_pairs == 12


def test_language_and_skills_steer_the_choice() -> None:
    people = [
        volunteer(10, 100, 0),
        volunteer(11, 250, 0, languages={"hakka"}),
        volunteer(12, -250, 0, skills={"medical"}),
    ]
    speaks = solve(problem([elder(1, languages={"hakka"})], people))
    assert pairs_of(speaks) == {1: 11}
    assert speaks.pairs[0].cost_terms["language"] == 0
    needs = solve(problem([elder(1, needs={"medical_accompaniment"})], people))
    assert pairs_of(needs) == {1: 12}


def test_a_pin_is_always_honoured() -> None:
    people = [volunteer(10, 50, 0), volunteer(11, 1200, 0)]
    result = solve(problem([elder(1)], people, pins=[(1, 11)]))
    assert pairs_of(result) == {1: 11}
    assert result.pairs[0].pinned


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"pins": [(1, 11)], "people": [volunteer(11, 2000, 0)]}, "distance"),
        ({"pins": [(1, 10)], "forbidden": [(1, 10)]}, "forbidden"),
        ({"pins": [(1, 10), (1, 11)]}, "pinned to several volunteers"),
        (
            {"pins": [(1, 10), (2, 10)], "people": [volunteer(10, capacity=1)]},
            "2 pins but capacity 1",
        ),
    ],
)
def test_impossible_pins_make_the_run_infeasible(kwargs: dict[str, object], words: str) -> None:
    people = kwargs.pop("people", [volunteer(10), volunteer(11, 100, 0)])
    p = problem([elder(1), elder(2, 30, 0)], people, **kwargs)  # type: ignore[arg-type]
    result = pair(p)
    assert result.status == PairingStatus.INFEASIBLE
    assert result.pairs == ()
    assert any(words in reason for reason in result.infeasible_reasons)
    assert violations(p, result) == []
