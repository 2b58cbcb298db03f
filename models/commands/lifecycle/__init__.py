"""A household's way through assistance (issue 6, lifecycle): application -> verification of
11 items from 9 units -> enrolment -> periodic reviews -> exit -> re-entry by a new application.
Every command runs inside the caller's one transaction and raises a DomainError that says what
to do; every change of status or benefit is a history row with who, when and why."""

from models.commands.lifecycle.applications import (
    apply_for_assistance,
    close_application,
    enrol,
)
from models.commands.lifecycle.checks import CheckEntry, import_source, record_checks
from models.commands.lifecycle.overview import ReviewCounts, overdue_on, review_counts
from models.commands.lifecycle.reviews import DueReviews, generate_due_reviews, review_household
from models.commands.lifecycle.status import ADMITTED, change_status, exit_household

__all__ = [
    "ADMITTED",
    "CheckEntry",
    "DueReviews",
    "ReviewCounts",
    "apply_for_assistance",
    "change_status",
    "close_application",
    "enrol",
    "exit_household",
    "generate_due_reviews",
    "import_source",
    "overdue_on",
    "record_checks",
    "review_counts",
    "review_household",
]
