"""One household's score: explanation, urgency per kind of help, disagreement flags."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment import (
    HELP_DIMENSIONS,
    ON_DIBAO_NOT_POOR,
    POOR_NOT_ON_DIBAO,
    Indicators,
    default_policy,
    disagreement,
    need_score,
    urgency,
)
from tests.assessment.factory import D, calm, policy_with, row

JULY_2024 = default_policy().as_of(D(2024, 7, 1))


def test_score_explains_itself() -> None:
    score = need_score(calm(income_fen_per_person=90_000, members_ill_or_disabled=1), JULY_2024)
    assert score.score == Fraction(2, 7)
    assert score.poor
    assert score.deprived_dimensions == ("income", "illness_disability")
    income = score.indicators[0]
    assert (income.value, income.cutoff, income.threshold) == (
        90_000,
        Fraction(3, 2),
        Fraction(217_500),
    )
    assert income.weight == Fraction(1, 7)
    assert income.rule == "income_fen_per_person 90000 < 217500: deprived"
    text = score.explain()
    assert "poor (policy default-2024-07 on 2024-07-01 as known today)" in text
    assert "living_space_m2_per_person 30 < 15: not deprived" in text


def test_relative_cutoff_follows_the_standard() -> None:
    household = calm(income_fen_per_person=215_000)  # 1.5 x 139,500 = 209,250 <= 215,000
    assert not need_score(household, default_policy().as_of(D(2024, 6, 30))).score
    assert need_score(household, JULY_2024).deprived_dimensions == ("income",)


def test_one_deprivation_is_not_poor_at_default_k() -> None:
    score = need_score(calm(distress_score=35), JULY_2024)
    assert (score.score, score.poor) == (Fraction(1, 7), False)
    lower_k = policy_with([row("poverty_k", D(2024, 7, 1), Fraction(1, 7))])
    assert need_score(calm(distress_score=35), lower_k.as_of(D(2024, 7, 1))).poor


def test_invalid_indicators() -> None:
    with pytest.raises(ValueError, match="income_fen_per_person is -1"):
        calm(income_fen_per_person=-1)
    with pytest.raises(ValueError, match="K10"):
        calm(distress_score=5)
    with pytest.raises(ValueError, match="must be an integer"):
        Indicators(
            income_fen_per_person=1,
            consumption_fen_per_person=1,
            living_space_m2_per_person=1.5,  # type: ignore[arg-type]
        )


def test_urgency_by_kind() -> None:
    nobody = urgency(need_score(calm(), JULY_2024))
    assert set(nobody.values()) == {1}
    everywhere = calm(
        income_fen_per_person=0,
        consumption_fen_per_person=0,
        children_out_of_school=1,
        members_ill_or_disabled=1,
        living_space_m2_per_person=0,
        members_mentally_ill=1,
        distress_score=50,
    )
    assert set(urgency(need_score(everywhere, JULY_2024)).values()) == {100}
    ill = urgency(need_score(calm(members_ill_or_disabled=1, distress_score=40), JULY_2024))
    # medical: 1 of 2 dimensions -> 1 + round(79/2 + 20 x 2/7) = 1 + round(45.21) = 46
    assert ill["medical"] == 46
    assert ill["counselling"] == 46
    assert ill["education"] == 1 + round(20 * 2 / 7)
    assert ill["medical"] > ill["cash"]


@settings(max_examples=80, deadline=None)
@given(
    st.builds(
        Indicators,
        income_fen_per_person=st.integers(0, 500_000),
        consumption_fen_per_person=st.integers(0, 500_000),
        children_out_of_school=st.integers(0, 3),
        members_ill_or_disabled=st.integers(0, 3),
        living_space_m2_per_person=st.integers(0, 60),
        members_mentally_ill=st.integers(0, 2),
        distress_score=st.sampled_from([0, 10, 25, 29, 30, 50]),
    )
)
def test_urgency_range_and_monotone(indicators: Indicators) -> None:
    score = need_score(indicators, JULY_2024)
    result = urgency(score)
    assert set(result) == set(HELP_DIMENSIONS)
    assert all(1 <= u <= 100 for u in result.values())
    assert score.score == sum(r.weight for r in score.indicators if r.deprived)
    worse = urgency(
        need_score(calm(income_fen_per_person=0, consumption_fen_per_person=0), JULY_2024)
    )
    assert worse["cash"] >= urgency(need_score(calm(), JULY_2024))["cash"]


def test_disagreement_flags() -> None:
    poor = need_score(calm(income_fen_per_person=0, living_space_m2_per_person=5), JULY_2024)
    calm_score = need_score(calm(), JULY_2024)
    assert disagreement(poor, "edge") == POOR_NOT_ON_DIBAO
    assert disagreement(poor, "none") == POOR_NOT_ON_DIBAO
    assert disagreement(poor, "low_income") == POOR_NOT_ON_DIBAO
    assert disagreement(poor, "dibao") is None
    assert disagreement(poor, "special_hardship") is None
    assert disagreement(calm_score, "dibao") == ON_DIBAO_NOT_POOR
    assert disagreement(calm_score, "special_hardship") == ON_DIBAO_NOT_POOR
    assert disagreement(calm_score, "none") is None
    with pytest.raises(ValueError, match="assistance status 'rich'"):
        disagreement(calm_score, "rich")
