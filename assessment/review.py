"""When a household's next review is due (动态管理), and whether it is overdue.

The district's reply: households without labour capacity (elders, children, severely disabled)
are reviewed every 6 months; those with a stable, known income every 3 months; those with
labour capacity and an irregular income every month. The months are policy parameters, taken
as in force on the last review date. Partial labour capacity counts as having capacity.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from assessment.policy import Policy
from assessment.vocabulary import INCOME_STABILITIES, LABOUR_CAPACITIES, member_of


@dataclass(frozen=True)
class ReviewSchedule:
    kind: str
    """``no_labour_capacity``, ``stable_income`` or ``irregular_income``."""
    months: int
    last: dt.date
    due: dt.date
    reason: str
    policy_version: str

    def overdue(self, today: dt.date) -> bool:
        """Overdue from the day after the due date."""
        return today > self.due

    def days_overdue(self, today: dt.date) -> int:
        return max(0, (today - self.due).days)


def review_kind(labour_capacity: str, income_stability: str) -> str:
    """Which review interval applies (values of ``LabourCapacity`` and ``stable``/``irregular``)."""
    member_of(labour_capacity, LABOUR_CAPACITIES, "labour capacity")
    member_of(income_stability, INCOME_STABILITIES, "income stability")
    if labour_capacity == "none":
        return "no_labour_capacity"
    return "stable_income" if income_stability == "stable" else "irregular_income"


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day if it is shorter (31 Jan + 1 ->
    28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review(
    last: dt.date,
    labour_capacity: str,
    income_stability: str,
    policy: Policy,
    known: dt.date | None = None,
) -> ReviewSchedule:
    """The review after one held on ``last``, under the policy in force then (as ``known``)."""
    kind = review_kind(labour_capacity, income_stability)
    snapshot = policy.as_of(last, known)
    months = snapshot.review_months[kind]
    reason = (
        f"labour capacity {labour_capacity}, income {income_stability}: {kind.replace('_', ' ')}"
        f", every {months} month{'s' if months != 1 else ''}"
    )
    return ReviewSchedule(kind, months, last, add_months(last, months), reason, snapshot.version)
