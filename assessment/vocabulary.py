"""Closed vocabularies of the assessment core.

The strings equal the values of ``models.enums`` (``IdentityCategory``, ``LabourCapacity``,
``AssistanceStatus``) so the database layer maps them 1:1; they are repeated here, not imported,
because ``assessment`` stays pure (stdlib and numpy, no ORM).
"""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "serious_illness",
    "severe_disability",
    "moderate_disability",
    "traditional_relief",
    "student",
    "minor",
    "woman_50_plus",
    "man_60_plus",
    "retiree",
    "lost_labour_capacity",
    "has_labour_capacity",
    "other",
)
"""The 12 identity categories of policy 484, in the fixed order that breaks coefficient ties."""

LABOUR_CAPACITIES: tuple[str, ...] = ("full", "partial", "none")

STATUSES: tuple[str, ...] = ("dibao", "low_income", "special_hardship", "edge", "none")

ON_DIBAO: frozenset[str] = frozenset({"dibao", "special_hardship"})
"""Statuses that count as "on dibao" for the disagreement flags: both are income-tested cash
support (special hardship is the stricter case), so neither household is "left out"."""

INCOME_STABILITIES: tuple[str, ...] = ("stable", "irregular")

DIMENSIONS: tuple[str, ...] = (
    "income",
    "consumption",
    "child_schooling",
    "illness_disability",
    "housing",
    "mental_illness",
    "mental_health",
)
"""The seven dimensions of the need score, in the proposal's order (one indicator each)."""

HELP_KINDS: tuple[str, ...] = (
    "cash",
    "medical",
    "education",
    "daily_life_care",
    "counselling",
    "skills_training",
)

REVIEW_KINDS: tuple[str, ...] = ("no_labour_capacity", "stable_income", "irregular_income")
"""Review-interval parameters: half-yearly, quarterly and monthly in the district's reply."""


def member_of(value: object, allowed: tuple[str, ...], what: str) -> str:
    """``value`` if it is one of ``allowed``, else a ValueError that lists the allowed values."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{what} {value!r} is not one of {', '.join(allowed)}")
    return value
