"""Dated parameters: look-ups at boundary dates, corrections "as known then", invalid files."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment import REQUIRED, Policy, default_policy, load_policy, parse_policy
from assessment.policy_file import FORMAT
from tests.assessment.factory import D, policy_with, row

DEFAULT_TEXT = (Path(__file__).parents[2] / "assessment" / "policy_default.toml").read_text()


def test_default_policy_is_complete_and_beijing_2024() -> None:
    policy = default_policy()
    assert {r.name for r in policy.rows} == set(REQUIRED)
    snapshot = policy.as_of(D(2024, 7, 1))
    assert snapshot.dibao_standard_fen == 145_000
    assert snapshot.k == Fraction(2, 7)
    assert min(snapshot.coefficients.values()) == 1
    assert max(snapshot.coefficients.values()) == Fraction(3, 2)
    assert len(set(snapshot.coefficients.values())) == 7
    assert snapshot.review_months == {
        "no_labour_capacity": 6,
        "stable_income": 3,
        "irregular_income": 1,
    }
    assert "default-2024-07" in snapshot.version


@pytest.mark.parametrize(
    ("day", "fen"),
    [(D(2024, 6, 30), 139_500), (D(2024, 7, 1), 145_000), (D(2024, 7, 2), 145_000)],
)
def test_standard_at_boundary_dates(day: D, fen: int) -> None:
    assert default_policy().as_of(day).dibao_standard_fen == fen


def test_before_the_first_effective_date_nothing_is_in_force() -> None:
    with pytest.raises(ValueError, match="no value in force on 2013-12-31"):
        default_policy().as_of(D(2013, 12, 31))


def test_correction_after_a_decision_keeps_the_decision() -> None:
    decided = D(2024, 7, 20)
    policy = policy_with(
        [row("dibao_standard_fen", D(2024, 7, 1), 146_000, recorded=D(2024, 8, 10))]
    )
    as_then = policy.as_of(D(2024, 7, 15), known=decided)
    assert as_then.dibao_standard_fen == 145_000
    assert as_then.sources["dibao_standard_fen"].recorded == D(2024, 7, 1)
    assert policy.as_of(D(2024, 7, 15)).dibao_standard_fen == 146_000
    assert policy.as_of(D(2024, 7, 15), known=D(2024, 8, 10)).dibao_standard_fen == 146_000
    assert policy.as_of(D(2024, 6, 30)).dibao_standard_fen == 139_500
    assert "as known on 2024-07-20" in as_then.version


def test_a_future_change_is_unknown_before_it_is_recorded() -> None:
    policy = policy_with(
        [row("dibao_standard_fen", D(2025, 7, 1), 150_000, recorded=D(2025, 6, 1))]
    )
    assert policy.as_of(D(2025, 7, 1), known=D(2025, 5, 31)).dibao_standard_fen == 145_000
    assert policy.as_of(D(2025, 7, 1), known=D(2025, 6, 1)).dibao_standard_fen == 150_000
    assert policy.as_of(D(2025, 6, 30)).dibao_standard_fen == 145_000


def test_history_is_sorted() -> None:
    history = default_policy().history("dibao_standard_fen")
    assert [r.effective for r in history] == sorted(r.effective for r in history)
    with pytest.raises(ValueError, match="unknown parameter"):
        default_policy().history("nonsense")


def test_load_policy_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(DEFAULT_TEXT.replace('version = "default-2024-07"', 'version = "v2"'))
    assert load_policy(path).version == "v2"
    with pytest.raises(ValueError, match="cannot read policy file"):
        load_policy(tmp_path / "missing.toml")


STANDARD_ROW = """
[[dibao_standard_fen]]
effective = 2024-07-01
recorded = 2024-07-01
value = 145000
"""


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t + STANDARD_ROW, "two values effective 2024-07-01 recorded 2024-07-01"),
        (lambda t: t.replace('value = "1.5"', 'value = "1.6"', 1), "outside 1.0..1.5"),
        (lambda t: t.replace('value = "1.0"', 'value = "0.9"', 1), "outside 1.0..1.5"),
        (
            lambda t: (
                t + "[[weight.income]]\neffective = 2020-01-01\nrecorded = 2020-01-01\n"
                'value = "2/7"\n'
            ),
            "weights in force on 2020-01-01 .* sum to 8/7",
        ),
        (lambda t: t.replace("[[poverty_k]]", "[[poverty_kk]]"), "unknown parameter 'poverty_kk'"),
        (lambda t: t.replace("format = 1", "format = 2"), f"format must be {FORMAT}"),
        (lambda t: t.replace('version = "default-2024-07"', ""), "version must be"),
        (lambda t: t + "[[k]]\nvalue = 1\n", "unknown keys|missing"),
        (lambda t: t.replace("value = 145000", "value = 0"), "positive whole number"),
        (lambda t: t.replace("value = 145000", 'value = "abc"'), "'abc' is not a number"),
        (lambda t: t.replace("value = 145000", "value = true"), "must be a number"),
        (lambda t: t.replace("effective = 2024-07-01", 'effective = "2024-07-01"'), "a date like"),
        (lambda t: t + "[[weight.housing]]\neffective = 2020-01-01\n", "missing recorded"),
        (lambda t: "stray = 3\n" + t, "stray must be an array of dated rows"),
        (lambda t: t + "[[", "not valid TOML"),
        (
            lambda t: t.replace(
                "[[coefficient.other]]\neffective = 2014-01-01",
                "[[coefficient.other]]\neffective = 2014-01-01\nsurprise = 1",
            ),
            "unknown keys surprise",
        ),
        (lambda t: t.replace('value = "1.0"', 'value = "1.45"', 1), "8 distinct values"),
    ],
)
def test_invalid_policy_files(edit: object, message: str) -> None:
    assert callable(edit)
    with pytest.raises(ValueError, match=message):
        parse_policy(edit(DEFAULT_TEXT))


def test_missing_parameter_is_named() -> None:
    rows = [r for r in default_policy().rows if r.name != "cutoff.housing"]
    with pytest.raises(ValueError, match=r"missing parameters: cutoff\.housing"):
        Policy("test", tuple(rows))


def test_late_first_value_makes_earlier_dates_unanswerable() -> None:
    rows = [r for r in default_policy().rows if r.name != "poverty_k"]
    policy = Policy("late", (*rows, row("poverty_k", D(2020, 1, 1), Fraction(1, 3))))
    assert policy.as_of(D(2020, 1, 1)).k == Fraction(1, 3)
    with pytest.raises(ValueError, match="poverty_k"):
        policy.as_of(D(2019, 12, 31))


def test_floats_are_read_through_their_decimal_text() -> None:
    text = DEFAULT_TEXT.replace('value = "1.1"', "value = 1.1", 1)
    snapshot = parse_policy(text).as_of(D(2024, 7, 1))
    assert snapshot.coefficients["woman_50_plus"] == Fraction(11, 10)


day_st = st.dates(min_value=D(2014, 1, 1), max_value=D(2030, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    extra=st.lists(st.tuples(day_st, day_st, st.integers(1, 10**6)), max_size=8),
    on=day_st,
    known=st.none() | day_st,
)
def test_as_of_is_the_latest_effective_then_latest_recorded(
    extra: list[tuple[D, D, int]], on: D, known: D | None
) -> None:
    taken = {(x.effective, x.recorded) for x in default_policy().history("dibao_standard_fen")}
    rows = [row("dibao_standard_fen", e, v, recorded=r) for e, r, v in extra]
    unique = {(x.effective, x.recorded): x for x in rows if (x.effective, x.recorded) not in taken}
    policy = policy_with(unique.values())
    candidates = [
        x
        for x in policy.history("dibao_standard_fen")
        if x.effective <= on and (known is None or x.recorded <= known)
    ]
    expected = max(candidates, key=lambda x: (x.effective, x.recorded), default=None)
    assert policy.value_row("dibao_standard_fen", on, known) == expected
