"""Alkire-Foster group measures: the issue's exact case, properties, and the vectorised path."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment import (
    af_measures,
    af_measures_by_group,
    af_measures_np,
    default_policy,
    deprivation_matrix,
    need_score,
    policy_weights,
)
from tests.assessment.factory import D, calm

SEVENTH = (Fraction(1, 7),) * 7


def _rows(counts: tuple[int, ...]) -> list[list[bool]]:
    return [[j < c for j in range(7)] for c in counts]


@pytest.mark.parametrize(
    ("k", "h", "a", "m0"),
    [
        (Fraction(2, 7), Fraction(3, 5), Fraction(4, 7), Fraction(12, 35)),
        (Fraction(1, 7), Fraction(4, 5), Fraction(13, 28), Fraction(13, 35)),
    ],
)
def test_issue_exactness_case(k: Fraction, h: Fraction, a: Fraction, m0: Fraction) -> None:
    rows = _rows((3, 1, 6, 0, 3))
    for result in (af_measures(rows, SEVENTH, k), af_measures_np(np.array(rows), SEVENTH, k)):
        assert h == result.H
        assert a == result.A
        assert m0 == result.M0
        assert result.M0 == result.H * result.A
        assert sum(result.contributions.values()) == 1


def test_contributions_use_censored_deprivations() -> None:
    # At k = 2/7 the household deprived only in dimension 0 is not poor: its deprivation does
    # not count, so dimension 0 contributes 3 poor x 1/7 over n x M0 = 12/7.
    result = af_measures(_rows((3, 1, 6, 0, 3)), SEVENTH, Fraction(2, 7))
    assert result.contributions["income"] == Fraction(3, 7) / Fraction(12, 7)
    assert result.contributions["mental_health"] == 0


def test_nobody_poor_and_empty_group() -> None:
    for rows in ([], _rows((0, 1))):
        result = af_measures(rows, SEVENTH, Fraction(2, 7))
        assert result.poor == 0
        assert result.H == result.A == result.M0 == Fraction(0)
        assert set(result.contributions.values()) == {0}
        assert af_measures_np(np.zeros((len(rows), 7), dtype=bool), SEVENTH, Fraction(2, 7)).M0 == 0


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="sum to 1"):
        af_measures([], (Fraction(1, 8),) * 7, Fraction(1, 7))
    with pytest.raises(ValueError, match="k 0"):
        af_measures([], SEVENTH, Fraction(0))
    with pytest.raises(ValueError, match="n x 7"):
        af_measures_np(np.zeros((2, 6), dtype=bool), SEVENTH, Fraction(1, 7))
    with pytest.raises(ValueError, match="6 deprivations"):
        af_measures([[True] * 6], SEVENTH, Fraction(1, 7))


weights_st = st.lists(st.integers(1, 20), min_size=7, max_size=7).map(
    lambda xs: tuple(Fraction(x, sum(xs)) for x in xs)
)
matrix_st = st.lists(st.lists(st.booleans(), min_size=7, max_size=7), max_size=40)
k_st = st.fractions(min_value=Fraction(1, 100), max_value=1)


@settings(max_examples=150, deadline=None)
@given(rows=matrix_st, weights=weights_st, k=k_st)
def test_properties_and_vectorised_equals_exact(
    rows: list[list[bool]], weights: tuple[Fraction, ...], k: Fraction
) -> None:
    exact = af_measures(rows, weights, k)
    fast = af_measures_np(np.array(rows, dtype=bool).reshape(len(rows), 7), weights, k)
    assert fast == exact
    assert exact.M0 == exact.H * exact.A
    assert 0 <= exact.M0 <= exact.H <= 1
    assert all(c >= 0 for c in exact.contributions.values())
    assert sum(exact.contributions.values()) == (1 if exact.M0 > 0 else 0)
    if exact.poor:
        assert k <= exact.A <= 1


@settings(max_examples=30, deadline=None)
@given(rows=matrix_st, groups=st.lists(st.sampled_from("abc"), min_size=40, max_size=40))
def test_by_group_equals_exact_per_group(rows: list[list[bool]], groups: list[str]) -> None:
    labels = groups[: len(rows)]
    matrix = np.array(rows, dtype=bool).reshape(len(rows), 7)
    by_group = af_measures_by_group(labels, matrix, SEVENTH, Fraction(2, 7))
    assert set(by_group) == set(labels)
    for g, result in by_group.items():
        mine = [r for r, label in zip(rows, labels, strict=True) if label == g]
        assert result == af_measures(mine, SEVENTH, Fraction(2, 7))


def test_deprivation_matrix_matches_need_score() -> None:
    policy = default_policy().as_of(D(2024, 7, 1))
    threshold = 145_000 * 3 // 2  # income cutoff 1.5 x standard
    households = [
        calm(),
        calm(income_fen_per_person=threshold - 1),
        calm(income_fen_per_person=threshold),
        calm(consumption_fen_per_person=144_999, living_space_m2_per_person=14),
        calm(living_space_m2_per_person=15, distress_score=30, members_mentally_ill=1),
        calm(children_out_of_school=2, members_ill_or_disabled=1, distress_score=29),
    ]
    matrix = deprivation_matrix(households, policy)
    for h, row in zip(households, matrix, strict=True):
        assert tuple(bool(x) for x in row) == tuple(
            r.deprived for r in need_score(h, policy).indicators
        )
    assert matrix.sum(axis=1).tolist() == [0, 1, 0, 2, 2, 2]
    scores = [need_score(h, policy) for h in households]
    rows = [[r.deprived for r in s.indicators] for s in scores]
    assert af_measures_np(matrix, policy_weights(policy), policy.k) == af_measures(
        rows, policy_weights(policy), policy.k
    )
