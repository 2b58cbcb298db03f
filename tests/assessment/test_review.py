"""Review scheduling: interval by labour capacity and income, month arithmetic, overdue."""

from __future__ import annotations

import pytest

from assessment import add_months, default_policy, next_review, review_kind
from tests.assessment.factory import D, policy_with, row


@pytest.mark.parametrize(
    ("capacity", "income", "kind", "due"),
    [
        ("none", "stable", "no_labour_capacity", D(2025, 7, 15)),
        ("none", "irregular", "no_labour_capacity", D(2025, 7, 15)),
        ("full", "stable", "stable_income", D(2025, 4, 15)),
        ("partial", "stable", "stable_income", D(2025, 4, 15)),
        ("full", "irregular", "irregular_income", D(2025, 2, 15)),
        ("partial", "irregular", "irregular_income", D(2025, 2, 15)),
    ],
)
def test_intervals(capacity: str, income: str, kind: str, due: D) -> None:
    schedule = next_review(D(2025, 1, 15), capacity, income, default_policy())
    assert (schedule.kind, schedule.due) == (kind, due)
    assert kind.replace("_", " ") in schedule.reason


def test_overdue_from_the_day_after_due() -> None:
    schedule = next_review(D(2025, 1, 15), "full", "irregular", default_policy())
    assert not schedule.overdue(D(2025, 2, 15))
    assert schedule.overdue(D(2025, 2, 16))
    assert schedule.days_overdue(D(2025, 2, 20)) == 5
    assert schedule.days_overdue(D(2025, 1, 20)) == 0


def test_month_ends() -> None:
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2024, 8, 31), 6) == D(2025, 2, 28)
    assert add_months(D(2024, 12, 1), 1) == D(2025, 1, 1)


def test_interval_in_force_on_the_last_review_date() -> None:
    policy = policy_with([row("review_months.stable_income", D(2025, 3, 1), 2)])
    assert next_review(D(2025, 2, 28), "full", "stable", policy).months == 3
    assert next_review(D(2025, 3, 1), "full", "stable", policy).due == D(2025, 5, 1)


def test_unknown_values_are_refused() -> None:
    with pytest.raises(ValueError, match="labour capacity 'some'"):
        review_kind("some", "stable")
    with pytest.raises(ValueError, match="income stability 'steady'"):
        review_kind("full", "steady")
