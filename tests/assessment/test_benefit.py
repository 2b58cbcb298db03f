"""Benefits: the standard by date, category precedence, rounding, the trace, bulk recomputation."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment import (
    Household,
    Member,
    choose,
    default_policy,
    household_benefit,
    recompute_benefits,
    round_half_up,
)
from assessment.vocabulary import CATEGORIES
from tests.assessment.factory import D, policy_with, row

JULY_2024 = default_policy().as_of(D(2024, 7, 1))


def test_benefit_is_standard_times_coefficient_per_member() -> None:
    household = Household(
        7, (Member(1, frozenset({"serious_illness"})), Member(2, frozenset({"student"})))
    )
    benefit = household_benefit(household, JULY_2024)
    assert [m.amount_fen for m in benefit.members] == [217_500, 181_250]
    assert benefit.total_fen == 398_750
    assert benefit.standard_fen == 145_000
    assert benefit.on == D(2024, 7, 1)
    assert "default-2024-07" in benefit.policy_version
    before = household_benefit(household, default_policy().as_of(D(2024, 6, 30)))
    assert before.standard_fen == 139_500
    assert before.total_fen == 209_250 + 174_375


def test_highest_coefficient_wins_and_the_trace_says_why() -> None:
    member = Member(1, frozenset({"woman_50_plus", "retiree", "serious_illness"}))
    line = household_benefit(Household(1, (member,)), JULY_2024).members[0]
    assert (line.category, line.coefficient) == ("serious_illness", Fraction(3, 2))
    assert [c for c, _ in line.candidates] == ["serious_illness", "retiree", "woman_50_plus"]
    assert "highest coefficient of 3 categories" in line.reason
    assert "145000 fen x 1.5 = 217500 fen" in line.reason


def test_ties_go_to_the_fixed_order() -> None:
    # serious_illness and severe_disability are both 1.5; serious_illness is listed first.
    choice = choose({"severe_disability", "serious_illness"}, JULY_2024)
    assert choice.category == "serious_illness"
    assert "tie at coefficient 1.5" in choice.reason
    assert choose(["man_60_plus", "woman_50_plus"], JULY_2024).category == "woman_50_plus"
    assert choose(["other"], JULY_2024).reason.startswith("only category other")


def test_a_coefficient_change_moves_the_choice() -> None:
    policy = policy_with([row("coefficient.student", D(2025, 1, 1), Fraction(3, 2))])
    member = {"student", "serious_illness"}
    assert choose(member, policy.as_of(D(2024, 12, 31))).category == "serious_illness"
    later = choose(member, policy.as_of(D(2025, 1, 1)))
    assert (later.category, later.coefficient) == ("serious_illness", Fraction(3, 2))
    assert choose({"student", "retiree"}, policy.as_of(D(2025, 1, 1))).category == "student"


def test_rounding_is_half_up_per_member() -> None:
    assert [round_half_up(Fraction(n, 2)) for n in (1, 3, 5)] == [1, 2, 3]
    assert round_half_up(Fraction(7, 3)) == 2
    with pytest.raises(ValueError, match="non-negative"):
        round_half_up(Fraction(-1, 2))
    # 1.25 x 139,501 fen = 174,376.25 -> 174,376; 1.1 x 139,505 = 153,455.5 -> 153,456.
    policy = policy_with([row("dibao_standard_fen", D(2030, 1, 1), 139_501)])
    assert choose({"student"}, policy.as_of(D(2030, 1, 1))).amount_fen == 174_376
    policy = policy_with([row("dibao_standard_fen", D(2030, 1, 1), 139_505)])
    assert choose({"man_60_plus"}, policy.as_of(D(2030, 1, 1))).amount_fen == 153_456


def test_invalid_members_and_households() -> None:
    with pytest.raises(ValueError, match="at least one identity category"):
        Member(1, frozenset())
    with pytest.raises(ValueError, match="'pirate' is not one of"):
        Member(1, frozenset({"pirate"}))
    with pytest.raises(ValueError, match="not a string"):
        Member(1, "student")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no members"):
        Household(1, ())
    with pytest.raises(ValueError, match="member twice"):
        Household(1, (Member(1, frozenset({"other"})), Member(1, frozenset({"minor"}))))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.frozensets(st.sampled_from(CATEGORIES), min_size=1), min_size=1, max_size=6))
def test_total_is_the_sum_of_lines_and_order_free(categories: list[frozenset[str]]) -> None:
    members = tuple(Member(i, c) for i, c in enumerate(categories))
    benefit = household_benefit(Household(1, members), JULY_2024)
    assert benefit.total_fen == sum(m.amount_fen for m in benefit.members)
    for line, fits in zip(benefit.members, categories, strict=True):
        assert line.coefficient == max(JULY_2024.coefficients[c] for c in fits)
        assert {c for c, _ in line.candidates} == fits
        assert 145_000 <= line.amount_fen <= 217_500
    flipped = household_benefit(Household(1, members[::-1]), JULY_2024)
    assert flipped.total_fen == benefit.total_fen


def test_bulk_recomputation_after_a_standard_change() -> None:
    households = [
        Household(
            h, tuple(Member(h * 10 + i, frozenset({CATEGORIES[(h + i) % 12]})) for i in range(2))
        )
        for h in range(1, 40)
    ]
    policy = policy_with([row("dibao_standard_fen", D(2025, 7, 1), 150_000, D(2025, 6, 1))])
    old = recompute_benefits(households, policy, D(2025, 6, 30))
    assert old.changes == ()
    new = recompute_benefits(
        households,
        policy,
        D(2025, 7, 1),
        previous={b.household_id: b.total_fen for b in old.benefits},
    )
    assert len(new.changes) == len(households)
    assert all(c.after_fen > (c.before_fen or 0) for c in new.changes)
    assert new.total_fen == sum(b.total_fen for b in new.benefits)
    single = household_benefit(households[3], policy.as_of(D(2025, 7, 1)))
    assert new.benefits[3] == single
    # As known before the change was recorded, nothing changes.
    then = recompute_benefits(
        households,
        policy,
        D(2025, 7, 1),
        known=D(2025, 5, 31),
        previous={b.household_id: b.total_fen for b in old.benefits},
    )
    assert then.changes == ()
    with pytest.raises(ValueError, match="appears twice"):
        recompute_benefits([households[0], households[0]], policy, D(2025, 7, 1))
